//! Undoing a logged change: a role change restores the previous role, a revocation invites the same
//! email again with the same roles and teams, a removal gives the user their previous organization
//! roles again (or, where the server does not allow that, invites them with those roles), and a
//! rename (of the organization, a team or a workspace) restores the previous name.
//!
//! Before anything is sent, the entry is checked (it exists, it succeeded, its kind is reversible, it
//! was not undone already) and so is the current state where the cache can say cheaply (the name is
//! still the one the entry set, the member still holds the role it was given, the person is not a
//! member or invited again). The undo's own writes are logged like any other, each naming the entry it
//! undoes, and the entry is then marked undone by the undo's entry.

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{Assignee, InvitationStatus, RoleScope};

use super::{Draft, UNDO_OF};
use crate::cache::{ActivityEntry, ActivityKind as K, PriorRole};
use crate::error::{CoreError, ErrorCode, Result};
use crate::invites::InviteSpec;
use crate::service::Core;

/// What an undo did.
#[derive(Clone, Debug, Serialize)]
pub struct UndoOutcome {
    /// The entry undone, now marked undone.
    pub undone: ActivityEntry,
    /// The newest entry the undo logged (the write that reversed it).
    pub by: Option<ActivityEntry>,
    /// In words: what was put back.
    pub message: String,
}

fn conflict(message: String) -> CoreError {
    CoreError::new(ErrorCode::Conflict, message)
}

fn uuid_of(e: &ActivityEntry, what: &str) -> Result<Uuid> {
    e.target_id.as_deref().and_then(|t| Uuid::parse_str(t).ok()).ok_or_else(|| {
        CoreError::invalid(format!("entry #{} does not say which {what} it changed", e.id), Vec::new())
    })
}

fn role_label(r: &PriorRole) -> String {
    let name = r.name.clone().unwrap_or_else(|| r.id.clone());
    match r.workspace.as_deref().or(r.workspace_id.as_deref()) {
        Some(ws) => format!("{name} on {ws}"),
        None => name,
    }
}

impl Core {
    /// Undoes a logged change (see the module's doc). Undoing an entry twice, a failed entry or one
    /// of a kind that cannot be undone is refused before anything is sent (`conflict` or
    /// `invalid_input`), as is an undo whose target changed since (`conflict`, saying how).
    pub async fn undo(&self, entry_id: i64) -> Result<UndoOutcome> {
        let e = self
            .with_cache(|c| c.activity_entry(entry_id))?
            .ok_or_else(|| CoreError::not_found(format!("no entry #{entry_id} in the activity log")))?;
        if let Some(by) = e.undone_by {
            return Err(conflict(format!("entry #{entry_id} was already undone (by entry #{by})")));
        }
        if !e.ok {
            return Err(CoreError::invalid(
                format!("entry #{entry_id} failed, so it changed nothing and there is nothing to undo"),
                Vec::new(),
            ));
        }
        if !e.kind.reversible() {
            return Err(CoreError::invalid(
                format!(
                    "entry #{entry_id} ({}) cannot be undone; only role changes, revocations, removals and \
                     renames can",
                    e.kind.as_str().replace('_', " ")
                ),
                Vec::new(),
            ));
        }
        let org_id = Uuid::parse_str(&e.org_id).map_err(|_| {
            CoreError::invalid(format!("entry #{entry_id} names no organization"), Vec::new())
        })?;
        self.account(&e.account_id)?;
        let message = UNDO_OF.scope(entry_id, self.reverse(&e, org_id)).await?;
        let now = Utc::now();
        if !self.with_cache(|c| c.mark_undone(entry_id, now))? {
            tracing::warn!(entry = entry_id, "an undo took, but no logged entry of it was found to link");
        }
        let undone = self.with_cache(|c| c.activity_entry(entry_id))?.unwrap_or(e);
        let by = match undone.undone_by {
            Some(id) => self.with_cache(|c| c.activity_entry(id))?,
            None => None,
        };
        Ok(UndoOutcome { undone, by, message })
    }

    async fn reverse(&self, e: &ActivityEntry, org_id: Uuid) -> Result<String> {
        let account = e.account_id.as_str();
        match e.kind {
            K::RoleChange => self.undo_role_change(e, org_id).await,
            K::Revoke => self.undo_revoke(e, org_id).await,
            K::MemberRemoval => self.undo_removal(e, org_id).await,
            K::OrgRename => {
                let previous = self.previous_name(e)?;
                let now = self.organization(account, &org_id.to_string())?.value.name;
                self.check_name(e, "organization", &now)?;
                self.update_organization(account, org_id, Some(previous.clone()), None).await?;
                Ok(format!("The organization is named {previous} again."))
            }
            K::TeamRename => {
                let previous = self.previous_name(e)?;
                let team = self.find_team(account, org_id, &uuid_of(e, "team")?.to_string())?;
                self.check_name(e, "team", &team.name)?;
                self.update_team(account, org_id, &team.id.to_string(), Some(previous.clone()), None).await?;
                Ok(format!("The team is named {previous} again."))
            }
            K::WorkspaceRename => {
                let previous = self.previous_name(e)?;
                let ws = self.find_workspace(account, org_id, &uuid_of(e, "workspace")?.to_string())?;
                self.check_name(e, "workspace", &ws.name)?;
                self.update_workspace(account, org_id, &ws.id.to_string(), Some(previous.clone()), None)
                    .await?;
                Ok(format!("The workspace is named {previous} again."))
            }
            other => Err(CoreError::internal(format!("no undo for {}", other.as_str()))),
        }
    }

    fn previous_name(&self, e: &ActivityEntry) -> Result<String> {
        e.replaced.name.clone().ok_or_else(|| {
            CoreError::invalid(format!("entry #{} does not say what the name was before", e.id), Vec::new())
        })
    }

    /// The name is still the one the entry set.
    fn check_name(&self, e: &ActivityEntry, what: &str, now: &str) -> Result<()> {
        match e.detail.as_deref() {
            Some(set) if set != now => Err(conflict(format!(
                "the {what} is now named {now}, not {set} as entry #{} left it; it was changed since, so it \
                 was not renamed back",
                e.id
            ))),
            _ => Ok(()),
        }
    }

    async fn undo_role_change(&self, e: &ActivityEntry, org_id: Uuid) -> Result<String> {
        let account = e.account_id.as_str();
        let user_id = uuid_of(e, "member")?;
        let previous = &e.replaced.roles;
        let Some(first) = previous.first() else {
            return Err(CoreError::invalid(
                format!("entry #{} does not say which role {} held before", e.id, e.target),
                Vec::new(),
            ));
        };
        let row = self.with_cache(|c| c.user_member(account, org_id, user_id))?.ok_or_else(|| {
            conflict(format!("{} is no longer a member of this organization (as last synced)", e.target))
        })?;
        if let Some(set) = e.detail.as_deref() {
            if !row.roles.iter().any(|r| !r.via_team && r.name.as_deref() == Some(set)) {
                let now: Vec<String> = row.roles.iter().filter(|r| !r.via_team).map(|r| r.label()).collect();
                return Err(conflict(format!(
                    "{} no longer holds {set} (now: {}); their role was changed since, so it was not changed back",
                    e.target,
                    if now.is_empty() { "no direct role".to_owned() } else { now.join(", ") }
                )));
            }
        }
        self.set_member_role(account, org_id, &user_id.to_string(), &first.id).await?;
        for extra in &previous[1..] {
            self.reassign(e, org_id, user_id, extra).await?;
        }
        let names: Vec<String> = previous.iter().map(role_label).collect();
        Ok(format!("{} holds {} again.", e.target, names.join(", ")))
    }

    /// Gives a user an organization role again (logged as a role change).
    async fn reassign(&self, e: &ActivityEntry, org_id: Uuid, user_id: Uuid, role: &PriorRole) -> Result<()> {
        let account = e.account_id.as_str();
        let role_id = Uuid::parse_str(&role.id).map_err(|_| {
            CoreError::invalid(format!("entry #{} names a role without an id", e.id), Vec::new())
        })?;
        let mut d = Draft::new(K::RoleChange, account, org_id, e.target.clone());
        d.target_id = Some(user_id.to_string());
        d.detail = Some(role_label(role));
        let scope = RoleScope::default();
        self.logged(d, async {
            match self
                .authed(account, |c, t| async move {
                    c.assign_role(&t, role_id, Assignee::User(user_id), scope).await
                })
                .await
            {
                Err(err) if err.code == ErrorCode::Conflict => Ok(()),
                other => other,
            }
        })
        .await
    }

    async fn undo_revoke(&self, e: &ActivityEntry, org_id: Uuid) -> Result<String> {
        let account = e.account_id.as_str();
        self.check_not_back(e, org_id)?;
        let roles = &e.replaced.roles;
        let Some(org_role) = roles.iter().find(|r| r.workspace_id.is_none()) else {
            return Err(CoreError::invalid(
                format!("entry #{} does not say which role the invitation carried", e.id),
                Vec::new(),
            ));
        };
        let spec = InviteSpec {
            role: org_role.id.clone(),
            workspace_roles: roles
                .iter()
                .filter_map(|r| Some((r.workspace_id.clone()?, r.id.clone())))
                .collect(),
            teams: e.replaced.teams.iter().map(|t| t.id.clone()).collect(),
        };
        let outcome = self.invite_with(account, org_id, std::slice::from_ref(&e.target), &spec).await?;
        let outcome =
            outcome.into_iter().next().ok_or_else(|| CoreError::internal("no outcome of the invitation"))?;
        if let Some(err) = outcome.error.clone() {
            return Err(err);
        }
        let mut carried: Vec<String> = roles.iter().map(role_label).collect();
        carried.extend(
            e.replaced
                .teams
                .iter()
                .map(|t| format!("team {}", t.name.clone().unwrap_or_else(|| t.id.clone()))),
        );
        let missed: Vec<String> = outcome.failed().map(|a| a.extra.label()).collect();
        let mut message = format!("Invited {} again with {}.", e.target, carried.join(", "));
        if !missed.is_empty() {
            message.push_str(&format!(" These did not take: {}.", missed.join(", ")));
        }
        Ok(message)
    }

    /// The person is neither a member nor invited again (as the cache last saw).
    fn check_not_back(&self, e: &ActivityEntry, org_id: Uuid) -> Result<()> {
        let account = e.account_id.as_str();
        let email = e.target.as_str();
        let member = self
            .with_cache(|c| c.user_members_by(account, org_id, crate::cache::UserField::Email, email))?
            .into_iter()
            .any(|r| r.user.is_some());
        if member {
            return Err(conflict(format!("{email} is a member of this organization now; nothing to undo")));
        }
        let pending = self
            .with_cache(|c| c.invitations_matching(account, org_id, email))?
            .into_iter()
            .any(|i| i.email.eq_ignore_ascii_case(email) && i.status == Some(InvitationStatus::Pending));
        if pending {
            return Err(conflict(format!("{email} has a pending invitation again; nothing to undo")));
        }
        Ok(())
    }

    async fn undo_removal(&self, e: &ActivityEntry, org_id: Uuid) -> Result<String> {
        let account = e.account_id.as_str();
        let user_id = uuid_of(e, "member")?;
        if self.with_cache(|c| c.user_member(account, org_id, user_id))?.is_some() {
            return Err(conflict(format!(
                "{} is a member of this organization again; nothing to undo",
                e.target
            )));
        }
        let previous = &e.replaced.roles;
        let Some(first) = previous.first() else {
            return Err(CoreError::invalid(
                format!("entry #{} does not say which roles {} held", e.id, e.target),
                Vec::new(),
            ));
        };
        let names: Vec<String> = previous.iter().map(role_label).collect();
        // Membership is holding an organization role: give the roles back where the server allows it.
        match self.reassign(e, org_id, user_id, first).await {
            Ok(()) => {
                for extra in &previous[1..] {
                    self.reassign(e, org_id, user_id, extra).await?;
                }
                if let Err(err) = self.refresh_organization(account, &org_id.to_string()).await {
                    tracing::warn!(code = err.code.as_str(), "re-fetch after an undone removal failed");
                }
                Ok(format!("{} is a member again with {}.", e.target, names.join(", ")))
            }
            Err(err)
                if matches!(err.code, ErrorCode::NotFound | ErrorCode::InvalidInput)
                    && e.target.contains('@') =>
            {
                let outcome =
                    self.invite(account, org_id, std::slice::from_ref(&e.target), &first.id).await?;
                if let Some(err) = outcome.into_iter().next().and_then(|o| o.error) {
                    return Err(err);
                }
                Ok(format!("{} was invited again with {}.", e.target, role_label(first)))
            }
            Err(err) => Err(err),
        }
    }
}
