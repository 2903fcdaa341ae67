//! The writes: checked, then sent, then cached, then announced.

use zenml_pro_core::ErrorCode as CoreCode;

use zenml_pro_core::Entity;

use crate::app::App;
use crate::error::{IpcError, IpcResult};
use crate::views::*;

// ----- commands: writes (checked, then sent, then cached) -----

pub(crate) async fn invite(
    app: &App,
    org: Option<String>,
    emails: Vec<String>,
    role: String,
) -> IpcResult<Vec<InviteOutcomeView>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let outcomes = app.core().invite(&account.id, org_id, &emails, &role).await?;
    if outcomes.iter().any(|o| o.invitation.is_some()) {
        app.changed(&account.id, Some(org_id), &[Entity::Invitations]);
    }
    Ok(outcomes
        .into_iter()
        .map(|o| InviteOutcomeView {
            email: o.email,
            ok: o.invitation.is_some(),
            invitation: o.invitation.as_ref().map(InvitationView::from),
            error: o.error.map(IpcError::from),
        })
        .collect())
}

pub(crate) async fn revoke_invitation(
    app: &App,
    org: Option<String>,
    invitation: String,
) -> IpcResult<InvitationView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let i = app.core().revoke_invitation(&account.id, org_id, &invitation).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Invitations]);
    Ok(InvitationView::from(&i))
}

pub(crate) async fn resend_invitation(
    app: &App,
    org: Option<String>,
    invitation: String,
) -> IpcResult<InvitationView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let i = app.core().resend_invitation(&account.id, org_id, &invitation).await;
    // A failed resend may still have revoked the old invitation: the UI reads again either way.
    app.changed(&account.id, Some(org_id), &[Entity::Invitations]);
    Ok(InvitationView::from(&i?))
}

pub(crate) async fn set_member_role(
    app: &App,
    org: Option<String>,
    member: String,
    role: String,
) -> IpcResult<MemberView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let result = app.core().set_member_role(&account.id, org_id, &member, &role).await;
    if result.is_ok() || result.as_ref().is_err_and(|e| e.code != CoreCode::Offline) {
        app.changed(&account.id, Some(org_id), &[Entity::Members]);
    }
    result?;
    let row = app.core().find_member(&account.id, org_id, &member)?;
    Ok(MemberView::from(&row))
}

pub(crate) async fn remove_member(app: &App, org: Option<String>, member: String) -> IpcResult<()> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().remove_member(&account.id, org_id, &member).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Members]);
    Ok(())
}

pub(crate) async fn update_organization(
    app: &App,
    org: Option<String>,
    name: Option<String>,
    description: Option<String>,
) -> IpcResult<OrgView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().update_organization(&account.id, org_id, name, description).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Organization, Entity::Organizations]);
    app.org_view(&account.id, org_id)
}
