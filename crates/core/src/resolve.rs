//! The one identity resolver: how `zpro`, the window, deep links, grants and offboarding turn what a
//! person typed or clicked into exactly one member, invitation or organization.
//!
//! - An id matches only as an id: an id the cache does not know is "not found", never a name.
//! - An email matches exactly after ASCII case folding only ([`same_email`]): no Unicode folding, so
//!   `\u{212A}` (KELVIN SIGN) is not `k`, and two accounts never become one.
//! - A username or display name matches only when it is unique; several matches are refused with the
//!   candidates (`invalid_input`, exit 2).
//! - Across accounts, an id beats a name, and a name that means different organizations in two
//!   accounts is refused (`orgs_named` in `steps::targets`).
//!
//! A person is the set of member and invitation ids their email reaches ([`crate::Core::person`]),
//! never a folded string.

use uuid::Uuid;
use zenml_cloud_api::{Invitation, InvitationStatus, MemberRow};

use crate::cache::{AccountRecord, UserField};
use crate::error::{CoreError, FieldMessage, Result};
use crate::model::account_label;
use crate::service::Core;

/// Whether two emails are the same address: equal after trimming and ASCII case folding only.
pub fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// "Several match" as an error naming the candidates: `"2 members have the name \"x\": …"`.
fn ambiguous(what: &str, needle: &str, candidates: Vec<String>, field: &str, by: &str) -> CoreError {
    CoreError::invalid(
        format!("{} {what} {needle:?}: {}; say which by {by}", candidates.len(), candidates.join(", ")),
        vec![FieldMessage { field: field.into(), message: "ambiguous".into() }],
    )
}

fn user_candidate(r: &MemberRow) -> Option<String> {
    let u = r.user.as_ref()?;
    Some(u.email.clone().map_or_else(|| u.id.to_string(), |e| format!("{e} ({})", u.id)))
}

/// An organization found across accounts: its id and name, and every account (in the order given)
/// that has it cached.
#[derive(Clone, Debug)]
pub struct OrgMatch {
    pub org_id: Uuid,
    pub org_name: String,
    pub accounts: Vec<AccountRecord>,
}

impl Core {
    /// The one organization `needle` names among the cached organizations of `accounts`: an id (in
    /// any account) beats a name; then its exact name, then its name without regard to case, then its
    /// display name. A tier that means different organizations (in one account or across accounts) is
    /// refused with their ids (`invalid_input`); `None` when nothing matches.
    pub fn find_org_across(&self, accounts: &[AccountRecord], needle: &str) -> Result<Option<OrgMatch>> {
        let needle = needle.trim();
        let mut all = Vec::new();
        for a in accounts {
            for e in self.organizations(&a.id)? {
                all.push((a, e.organization));
            }
        }
        let lower = needle.to_lowercase();
        let id = Uuid::parse_str(needle).ok();
        type Tier<'a> = (&'a str, Box<dyn Fn(&zenml_cloud_api::Organization) -> bool + 'a>);
        let tiers: [Tier<'_>; 4] = [
            ("the id", Box::new(|o| Some(o.id) == id)),
            ("the name", Box::new(|o| o.name == needle)),
            ("the name", Box::new(|o| o.name.to_lowercase() == lower)),
            // A display name chosen to look like another organization's name never stands for it.
            (
                "the display name",
                Box::new(|o| o.display_name.as_deref().is_some_and(|d| d.trim().to_lowercase() == lower)),
            ),
        ];
        for (what, matches) in tiers {
            let found: Vec<&(&AccountRecord, zenml_cloud_api::Organization)> =
                all.iter().filter(|(_, o)| matches(o)).collect();
            let Some((_, first)) = found.first() else { continue };
            let distinct: Vec<String> = {
                let mut ids: Vec<String> = found
                    .iter()
                    .map(|(a, o)| format!("{} ({}, account {})", o.id, o.name, account_label(a)))
                    .collect();
                ids.sort();
                ids.dedup();
                ids
            };
            if found.iter().any(|(_, o)| o.id != first.id) {
                let what = format!("organizations have {what}");
                return Err(ambiguous(&what, needle, distinct, needle, "the organization's id"));
            }
            return Ok(Some(OrgMatch {
                org_id: first.id,
                org_name: first.name.clone(),
                accounts: found.iter().map(|(a, _)| (*a).clone()).collect(),
            }));
        }
        Ok(None)
    }

    /// The one user (or service account) `who` names in the organization, from the cache: see the
    /// module's rules. Each tier is one indexed read of the matching rows; the member list is not read.
    pub fn find_member(&self, account_id: &str, org_id: Uuid, who: &str) -> Result<MemberRow> {
        let needle = who.trim();
        if needle.is_empty() {
            return Err(CoreError::invalid(
                "say which member: an email, a username, a name or an id",
                vec![FieldMessage { field: "member".into(), message: "empty".into() }],
            ));
        }
        if let Ok(id) = Uuid::parse_str(needle) {
            return self.with_cache(|c| c.user_member(account_id, org_id, id))?.ok_or_else(|| {
                CoreError::not_found(format!(
                    "no member with the id {id} in this organization (as last synced)"
                ))
            });
        }
        let exact_ascii = |field: UserField, r: &MemberRow| {
            let u = r.user.as_ref();
            let value = match field {
                UserField::Email => u.and_then(|u| u.email.as_deref()),
                UserField::Username => u.and_then(|u| u.username.as_deref()),
                UserField::Name => return true,
            };
            value.is_some_and(|v| same_email(v, needle))
        };
        let tiers = [
            ("members have the email address", UserField::Email),
            ("members have the username", UserField::Username),
            ("members have the name", UserField::Name),
        ];
        for (what, field) in tiers {
            if field == UserField::Name && needle.contains('@') {
                break; // an address never stands for a display name
            }
            let found: Vec<MemberRow> = self
                .with_cache(|c| c.user_members_by(account_id, org_id, field, needle))?
                .into_iter()
                .filter(|r| r.user.is_some() && exact_ascii(field, r))
                .collect();
            match found.len() {
                0 => continue,
                1 => return Ok(found.into_iter().next().expect("one")),
                _ => {
                    let candidates = found.iter().filter_map(user_candidate).collect();
                    return Err(ambiguous(what, needle, candidates, "member", "email or id"));
                }
            }
        }
        Err(CoreError::not_found(format!("no member {needle:?} in this organization (as last synced)")))
    }

    /// The one invitation `id_or_email` names, from the cache: an id only as an id; an email exactly
    /// (ASCII case folding only): its pending invitation, else its newest one. Two pending invitations
    /// for one email are refused with their ids.
    pub fn find_invitation(&self, account_id: &str, org_id: Uuid, id_or_email: &str) -> Result<Invitation> {
        let needle = id_or_email.trim();
        let found = self.with_cache(|c| c.invitations_matching(account_id, org_id, needle))?;
        if let Ok(id) = Uuid::parse_str(needle) {
            return found.into_iter().find(|i| i.id == id).ok_or_else(|| {
                CoreError::not_found(format!(
                    "no invitation with the id {id} in this organization (as last synced)"
                ))
            });
        }
        let mut same: Vec<Invitation> = found.into_iter().filter(|i| same_email(&i.email, needle)).collect();
        let pending: Vec<&Invitation> =
            same.iter().filter(|i| matches!(i.status, None | Some(InvitationStatus::Pending))).collect();
        match pending.len() {
            1 => return Ok(pending[0].clone()),
            0 => {}
            _ => {
                let ids = pending.iter().map(|i| i.id.to_string()).collect();
                return Err(ambiguous("pending invitations are for", needle, ids, "invitation", "id"));
            }
        }
        same.sort_by_key(|i| std::cmp::Reverse(i.created));
        same.into_iter()
            .next()
            .ok_or_else(|| CoreError::not_found(format!("no invitation {needle:?} in this organization")))
    }
}

#[cfg(test)]
mod tests {
    use super::same_email;

    #[test]
    fn emails_fold_ascii_case_only() {
        assert!(same_email("Member@Acme-ML.example", "member@acme-ml.example"));
        assert!(same_email(" member@acme-ml.example ", "member@acme-ml.example"));
        assert!(!same_email("\u{212A}ate@acme-ml.example", "kate@acme-ml.example"), "KELVIN SIGN is not k");
        assert!(!same_email("kate@acme-ml.example", "kat@acme-ml.example"));
    }
}
