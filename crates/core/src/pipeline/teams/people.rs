//! Who a team change names: each email (or service-account name) found as a user member of the
//! organization, else a pending invitation, from the cache.

use uuid::Uuid;
use zenml_cloud_api::{InvitationStatus, TeamMember};

use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::pipeline::Ctx;
use crate::resolve::same_email;
use crate::service::Core;
use crate::validate::check_email;

/// Someone to add to or remove from a team, by email.
pub(crate) struct Person {
    pub email: String,
    pub who: TeamMember,
}

impl Core {
    /// The one user member an email names, else its one pending invitation, from the cache (see
    /// `resolve`: exact after ASCII case folding only, never the first of several), with the email as
    /// stored. `None`: neither.
    pub(crate) fn member_or_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        email: &str,
    ) -> Result<Option<(TeamMember, String)>> {
        match self.find_member(account_id, org_id, email) {
            Ok(row) => {
                let user = row.user.and_then(|u| {
                    let stored = u.email.filter(|e| same_email(e, email))?;
                    Some((TeamMember::User(u.id), stored))
                });
                if user.is_some() {
                    return Ok(user);
                }
            }
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => return Err(e),
        }
        match self.find_invitation(account_id, org_id, email) {
            Ok(i)
                if matches!(i.status, None | Some(InvitationStatus::Pending))
                    && same_email(&i.email, email) =>
            {
                Ok(Some((TeamMember::Invitation(i.id), i.email)))
            }
            Ok(_) => Ok(None),
            Err(e) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The service account (a member: it holds a role) a name that is not an address stands for, from
/// the cache; `None` when no service account has that username.
fn service_account(cx: Ctx<'_>, name: &str) -> Result<Option<TeamMember>> {
    match cx.core.find_member(cx.account_id, cx.org_id, name) {
        Ok(row) => {
            Ok(row.user.filter(|u| u.is_service_account == Some(true)).map(|u| TeamMember::User(u.id)))
        }
        Err(e) if e.code == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Checks emails and finds who each names: a user member of the organization, else a pending
/// invitation. Nothing is sent.
pub(super) fn people(cx: Ctx<'_>, emails: &[String]) -> Result<Vec<Person>> {
    let mut found: Vec<Person> = Vec::new();
    let mut bad = Vec::new();
    for raw in emails {
        let email = raw.trim().to_owned();
        if let Err(message) = check_email(&email) {
            // Not an address: a service account, named as it is (its email is not an address either,
            // `autobot`), once it is a member.
            match (email.contains('@'), service_account(cx, &email)?) {
                (false, Some(who)) if !found.iter().any(|p| same_email(&p.email, &email)) => {
                    found.push(Person { email, who })
                }
                (false, Some(_)) => {}
                (false, None) => bad.push(FieldMessage {
                    field: email,
                    message:
                        "not an email address, nor the name of a service account holding a role in this \
                              organization (a service account joins teams once it holds a role)"
                            .into(),
                }),
                (true, _) => bad.push(FieldMessage { field: email, message }),
            }
            continue;
        }
        if found.iter().any(|p| same_email(&p.email, &email)) {
            continue;
        }
        match cx.core.member_or_invitation(cx.account_id, cx.org_id, &email)? {
            Some((who, _)) => found.push(Person { email, who }),
            None => bad.push(FieldMessage {
                field: email,
                message: "neither a member nor a pending invitation of this organization (invite them first)"
                    .into(),
            }),
        }
    }
    if !bad.is_empty() {
        let list: Vec<String> = bad.iter().map(|f| format!("{} ({})", f.field, f.message)).collect();
        return Err(CoreError::invalid(format!("cannot use: {}", list.join("; ")), bad));
    }
    Ok(found)
}
