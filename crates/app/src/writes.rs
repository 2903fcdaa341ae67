//! The writes: checked, then sent, then cached, then announced.

use zenml_pro_core::ErrorCode as CoreCode;

use zenml_pro_core::{Entity, InviteSpec};

use crate::app::App;
use crate::error::{IpcError, IpcResult};
use crate::views::*;

// ----- commands: writes (checked, then sent, then cached) -----

pub(crate) async fn invite(
    app: &App,
    org: Option<String>,
    emails: Vec<String>,
    role: String,
    workspace_roles: Vec<WorkspaceRoleSpecView>,
    teams: Vec<String>,
) -> IpcResult<Vec<InviteOutcomeView>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let spec = InviteSpec {
        role,
        workspace_roles: workspace_roles.into_iter().map(|w| (w.workspace, w.role)).collect(),
        teams,
    };
    let outcomes = app.core().invite_with(&account.id, org_id, &emails, &spec).await?;
    if outcomes.iter().any(|o| o.invitation.is_some()) {
        // Joining a team shows on the team's page (read live) and in its count.
        let teams_too = outcomes.iter().any(|o| o.attached.iter().any(|a| a.ok));
        let entities: &[Entity] = if teams_too {
            &[Entity::Invitations, Entity::Members, Entity::Teams]
        } else {
            &[Entity::Invitations]
        };
        app.changed(&account.id, Some(org_id), entities);
    }
    Ok(outcomes.iter().map(InviteOutcomeView::from).collect())
}

pub(crate) async fn revoke_invitation(
    app: &App,
    org: Option<String>,
    invitation: String,
) -> IpcResult<zenml_pro_core::records::Invitation> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let i = app.core().revoke_invitation(&account.id, org_id, &invitation).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Invitations]);
    Ok(zenml_pro_core::records::Invitation::from_wire(&i))
}

pub(crate) async fn resend_invitation(
    app: &App,
    org: Option<String>,
    invitation: String,
) -> IpcResult<zenml_pro_core::records::Invitation> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let outcome = app.core().resend_invitation_with_outcome(&account.id, org_id, &invitation).await;
    // A failed resend may still have revoked the old invitation: the UI reads again either way.
    app.changed(&account.id, Some(org_id), &[Entity::Invitations]);
    let outcome = outcome?;
    let failed: Vec<String> = outcome.failed().map(|a| a.extra.label()).collect();
    if !failed.is_empty() {
        app.shared.events.emit(crate::events::AppEvent::Notice {
            message: format!(
                "The invitation to {} was sent again, but without: {}",
                outcome.email,
                failed.join(", ")
            ),
        });
    }
    match (&outcome.invitation, outcome.error) {
        (Some(i), _) => Ok(zenml_pro_core::records::Invitation::from_wire(i)),
        (None, Some(e)) => Err(e.into()),
        (None, None) => Err(IpcError::internal("the invitation was not sent again")),
    }
}

pub(crate) async fn set_member_role(
    app: &App,
    org: Option<String>,
    member: String,
    role: String,
) -> IpcResult<zenml_pro_core::records::Member> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let result = app.core().set_member_role(&account.id, org_id, &member, &role).await;
    if result.is_ok() || result.as_ref().is_err_and(|e| e.code != CoreCode::Offline) {
        app.changed(&account.id, Some(org_id), &[Entity::Members]);
    }
    result?;
    let row = app.core().find_member(&account.id, org_id, &member)?;
    zenml_pro_core::records::Member::new(&row)
        .ok_or_else(|| crate::error::IpcError::internal("the member's cached row stands for nobody"))
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
) -> IpcResult<zenml_pro_core::records::Organization> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().update_organization(&account.id, org_id, name, description).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Organization, Entity::Organizations]);
    app.org_view(&account.id, org_id)
}
