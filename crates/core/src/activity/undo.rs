//! Undoing a journaled change, safely over time:
//!
//! - the entry is checked first (it exists, it succeeded, its kind is reversible, it was not undone);
//!   an entry older than [`UNDO_FORCE_AFTER_DAYS`] needs `force` (`--force`, a confirmation in the
//!   window);
//! - the entry's organization is refreshed from the server, and what will change is worked out
//!   against that fresh state ([`Core::undo_preview`] shows it without acting); when someone changed
//!   the target since the entry was made, the undo is refused as a `conflict` and nothing is sent;
//! - only one process undoes an entry: a claim in the journal's database is taken before anything is
//!   sent, and released when the undo fails;
//! - the reversal goes through the write pipeline like any write, each of its entries naming the entry
//!   it undoes, and every reversible kind's reversal is reversible in turn (an undo can be undone).
//!
//! What each kind's reversal is: a role change puts back the direct organization roles held before
//! (one that gave a member back their roles is reversed by removing them again); a revocation invites
//! the same email again with the same roles and teams; an invitation is revoked; a removal gives the
//! user their previous organization roles again (or, where the server does not allow that, invites
//! them with those roles); a rename (of the organization, a team or a workspace) restores the name; a
//! service account or key activated or deactivated is set back, once the server shows it as the entry
//! left it (service accounts are not cached: they are read from the server for the check).

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{InvitationStatus, MemberRole, RoleLevel};

use crate::cache::{ActivityEntry, ActivityKind as K, PriorRole, UserField};
use crate::error::{CoreError, ErrorCode, Result};
use crate::invites::InviteSpec;
use crate::pipeline::members::{RemoveMember, RemoveTarget, SetRoles};
use crate::pipeline::UNDO_OF;
use crate::resolve::same_email;
use crate::service::Core;

/// Entries older than this many days are undone only with `force`.
pub const UNDO_FORCE_AFTER_DAYS: i64 = 7;

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

/// What an undo would do, worked out against the organization as just refreshed from the server.
#[derive(Clone, Debug, Serialize)]
pub struct UndoPreview {
    pub entry: ActivityEntry,
    /// In words: what will change.
    pub will: String,
    /// The entry is older than [`UNDO_FORCE_AFTER_DAYS`]: undoing it needs `force`.
    pub needs_force: bool,
    /// How many whole days ago the entry was made.
    pub age_days: i64,
}

/// The reversal of one entry, against the fresh state.
enum Reverse {
    /// A user's direct organization roles set to exactly these.
    SetRoles {
        user_id: Uuid,
        roles: Vec<PriorRole>,
    },
    /// A member removed (reverses giving them back their roles).
    Remove {
        user_id: Uuid,
    },
    /// The same email invited again with what the revoked invitation carried.
    InviteAgain {
        spec: InviteSpec,
        carried: Vec<String>,
    },
    /// An invitation revoked.
    Revoke {
        invitation_id: Uuid,
    },
    RenameOrg(String),
    RenameTeam {
        team_id: Uuid,
        name: String,
    },
    RenameWorkspace {
        workspace_id: Uuid,
        name: String,
    },
    /// A service account activated or deactivated again.
    ServiceAccountActive {
        sa_id: Uuid,
        active: bool,
    },
    /// A service account's key activated or deactivated again (its account found on the server).
    KeyActive {
        sa_id: Option<Uuid>,
        key_id: Uuid,
        active: bool,
    },
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

fn labels(roles: &[PriorRole]) -> String {
    roles.iter().map(role_label).collect::<Vec<_>>().join(", ")
}

fn age_days(e: &ActivityEntry) -> i64 {
    (Utc::now() - e.at).num_days()
}

impl Core {
    /// What undoing an entry would do, against its organization refreshed from the server now; a
    /// `conflict` when the target changed since the entry was made. Sends no write.
    pub async fn undo_preview(&self, entry_id: i64) -> Result<UndoPreview> {
        let (e, org_id) = self.undo_entry(entry_id)?;
        self.refresh_for_undo(&e, org_id).await?;
        let reverse = self.reverse_plan(&e, org_id)?;
        let reverse = Box::pin(self.check_live(&e, org_id, reverse)).await?;
        let age = age_days(&e);
        Ok(UndoPreview {
            will: describe(&e, &reverse),
            needs_force: age >= UNDO_FORCE_AFTER_DAYS,
            age_days: age,
            entry: e,
        })
    }

    /// Undoes a journaled change (see the module's doc). Refused before anything is sent: an entry
    /// undone already, failed, of a kind that cannot be undone or older than a week without `force`
    /// (`invalid_input`); one being undone by another process, or whose target changed since
    /// (`conflict`, saying how).
    pub async fn undo(&self, entry_id: i64, force: bool) -> Result<UndoOutcome> {
        let (e, org_id) = self.undo_entry(entry_id)?;
        let age = age_days(&e);
        if age >= UNDO_FORCE_AFTER_DAYS && !force {
            return Err(CoreError::invalid(
                format!(
                    "entry #{entry_id} was made {age} days ago; undoing a change older than \
                     {UNDO_FORCE_AFTER_DAYS} days needs --force (in the window: confirm it)"
                ),
                Vec::new(),
            ));
        }
        let claimant = Uuid::new_v4().to_string();
        if !self.with_cache(|c| c.claim_undo(entry_id, &claimant, Utc::now()))? {
            return Err(conflict(format!(
                "entry #{entry_id} is being undone elsewhere, or was just undone; nothing was sent"
            )));
        }
        let reversed = async {
            self.refresh_for_undo(&e, org_id).await?;
            let reverse = self.reverse_plan(&e, org_id)?;
            let reverse = Box::pin(self.check_live(&e, org_id, reverse)).await?;
            UNDO_OF.scope(entry_id, self.carry_out(&e, org_id, reverse)).await
        }
        .await;
        let message = match reversed {
            Ok(m) => m,
            Err(err) => {
                if let Err(r) = self.with_cache(|c| c.release_undo(entry_id, &claimant)) {
                    tracing::warn!(entry = entry_id, error = %r, "an undo claim could not be released");
                }
                return Err(err);
            }
        };
        if !self.with_cache(|c| c.mark_undone(entry_id, Utc::now()))? {
            tracing::warn!(entry = entry_id, "an undo took, but no logged entry of it was found to link");
        }
        // Each reversal's write updated the cache, except a removed member given their roles back: their
        // row (name, email, teams) is not in the cache any more, so the organization is read again.
        if e.kind == K::MemberRemoval {
            if let Err(err) = self.refresh_organization(&e.account_id, &org_id.to_string()).await {
                tracing::warn!(code = err.code.as_str(), "re-fetch after an undone removal failed");
            }
        }
        let undone = self.with_cache(|c| c.activity_entry(entry_id))?.unwrap_or(e);
        let by = match undone.undone_by {
            Some(id) => self.with_cache(|c| c.activity_entry(id))?,
            None => None,
        };
        Ok(UndoOutcome { undone, by, message })
    }

    /// The entry, checked: it exists, succeeded, is reversible and not undone; with its organization.
    fn undo_entry(&self, entry_id: i64) -> Result<(ActivityEntry, Uuid)> {
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
        if !e.undoable {
            return Err(CoreError::invalid(
                format!(
                    "entry #{entry_id} ({}) cannot be undone; only role changes, invitations, revocations, \
                     removals, renames, and a service account's or key's activation or deactivation can",
                    e.kind.as_str().replace('_', " ")
                ),
                Vec::new(),
            ));
        }
        let org_id = Uuid::parse_str(&e.org_id).map_err(|_| {
            CoreError::invalid(format!("entry #{entry_id} names no organization"), Vec::new())
        })?;
        self.account(&e.account_id)?;
        Ok((e, org_id))
    }

    /// The entry's organization, fetched from the server again: what the undo is checked against.
    async fn refresh_for_undo(&self, e: &ActivityEntry, org_id: Uuid) -> Result<()> {
        self.refresh_organization(&e.account_id, &org_id.to_string()).await.map(|_| ()).map_err(|err| {
            CoreError {
                message: format!(
                    "the organization could not be read from the server, so the undo was not tried: {}",
                    err.message
                ),
                ..err
            }
        })
    }

    /// The direct organization role names a member holds now (as just refreshed); `None`: not a member.
    fn direct_now(&self, account: &str, org_id: Uuid, user_id: Uuid) -> Result<Option<Vec<String>>> {
        Ok(self.with_cache(|c| c.user_member(account, org_id, user_id))?.map(|row| {
            let mut names: Vec<String> = row
                .roles
                .iter()
                .filter(|r| !r.via_team && r.level.is_none_or(|l| l == RoleLevel::Organization))
                .map(MemberRole::label)
                .collect();
            names.sort();
            names
        }))
    }

    /// The reversal, checked against the fresh state: a `conflict` when the target changed since.
    fn reverse_plan(&self, e: &ActivityEntry, org_id: Uuid) -> Result<Reverse> {
        let account = e.account_id.as_str();
        let previous_name = || {
            e.replaced.name.clone().ok_or_else(|| {
                CoreError::invalid(
                    format!("entry #{} does not say what the name was before", e.id),
                    Vec::new(),
                )
            })
        };
        let check_name = |what: &str, now: &str| match e.detail.as_deref() {
            Some(set) if set != now => Err(conflict(format!(
                "the {what} is now named {now}, not {set} as entry #{} left it; it was changed since, so it \
                 was not renamed back",
                e.id
            ))),
            _ => Ok(()),
        };
        match e.kind {
            K::RoleChange => {
                let user_id = uuid_of(e, "member")?;
                let Some(mut now) = self.direct_now(account, org_id, user_id)? else {
                    return Err(conflict(format!(
                        "{} is no longer a member of this organization; nothing was changed",
                        e.target
                    )));
                };
                let mut set: Vec<String> =
                    e.detail.as_deref().unwrap_or_default().split(", ").map(str::to_owned).collect();
                set.sort();
                now.dedup();
                if now != set {
                    return Err(conflict(format!(
                        "{} now holds {}, not {} as entry #{} left them; their role was changed since, so it \
                         was not changed back",
                        e.target,
                        if now.is_empty() { "no direct role".to_owned() } else { now.join(", ") },
                        set.join(", "),
                        e.id
                    )));
                }
                if e.replaced.roles.is_empty() {
                    Ok(Reverse::Remove { user_id })
                } else {
                    Ok(Reverse::SetRoles { user_id, roles: e.replaced.roles.clone() })
                }
            }
            K::MemberRemoval => {
                let user_id = uuid_of(e, "member")?;
                if self.direct_now(account, org_id, user_id)?.is_some() {
                    return Err(conflict(format!(
                        "{} is a member of this organization again; nothing to undo",
                        e.target
                    )));
                }
                if e.replaced.roles.is_empty() {
                    return Err(CoreError::invalid(
                        format!("entry #{} does not say which roles {} held", e.id, e.target),
                        Vec::new(),
                    ));
                }
                Ok(Reverse::SetRoles { user_id, roles: e.replaced.roles.clone() })
            }
            K::Revoke => {
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
                let mut carried: Vec<String> = roles.iter().map(role_label).collect();
                carried.extend(
                    e.replaced
                        .teams
                        .iter()
                        .map(|t| format!("team {}", t.name.clone().unwrap_or_else(|| t.id.clone()))),
                );
                Ok(Reverse::InviteAgain { spec, carried })
            }
            K::Invite => {
                let invitation_id = uuid_of(e, "invitation")?;
                let inv = self
                    .with_cache(|c| c.invitations_matching(account, org_id, &invitation_id.to_string()))?
                    .into_iter()
                    .find(|i| i.id == invitation_id);
                match inv.and_then(|i| i.status) {
                    None => Err(conflict(format!(
                        "the invitation to {} is no longer on the server; nothing to undo",
                        e.target
                    ))),
                    Some(InvitationStatus::Pending) => Ok(Reverse::Revoke { invitation_id }),
                    Some(s) => Err(conflict(format!(
                        "the invitation to {} is {} now, not pending; nothing to undo",
                        e.target,
                        s.as_str()
                    ))),
                }
            }
            K::OrgRename => {
                let previous = previous_name()?;
                let now = self.organization(account, &org_id.to_string())?.value.name;
                check_name("organization", &now)?;
                Ok(Reverse::RenameOrg(previous))
            }
            K::TeamRename => {
                let previous = previous_name()?;
                let team = self.find_team(account, org_id, &uuid_of(e, "team")?.to_string())?;
                check_name("team", &team.name)?;
                Ok(Reverse::RenameTeam { team_id: team.id, name: previous })
            }
            K::WorkspaceRename => {
                let previous = previous_name()?;
                let ws = self.find_workspace(account, org_id, &uuid_of(e, "workspace")?.to_string())?;
                check_name("workspace", &ws.name)?;
                Ok(Reverse::RenameWorkspace { workspace_id: ws.id, name: previous })
            }
            K::ServiceAccountActive => {
                let set = e.detail.as_deref() == Some("activated");
                Ok(Reverse::ServiceAccountActive { sa_id: uuid_of(e, "service account")?, active: !set })
            }
            K::ApiKeyActive => {
                let set = e.detail.as_deref() == Some("activated");
                Ok(Reverse::KeyActive { sa_id: None, key_id: uuid_of(e, "key")?, active: !set })
            }
            other => Err(CoreError::internal(format!("no undo for {}", other.as_str()))),
        }
    }

    /// The reversals of what is not cached (service accounts and their keys), checked against the
    /// server now: a `conflict` when the account or key is gone, or not as the entry left it.
    async fn check_live(&self, e: &ActivityEntry, org_id: Uuid, reverse: Reverse) -> Result<Reverse> {
        let account = e.account_id.as_str();
        let changed_since = |now: bool| {
            conflict(format!(
                "{} is {} now, not {} as entry #{} left it; it was changed since, so it was not changed back",
                e.target,
                if now { "active" } else { "inactive" },
                if now { "inactive" } else { "active" },
                e.id
            ))
        };
        let gone = || conflict(format!("{} is no longer on the server; nothing to undo", e.target));
        match reverse {
            Reverse::ServiceAccountActive { sa_id, active } => {
                let sa = match self.server_service_account(account, org_id, &sa_id.to_string()).await {
                    Err(err) if err.code == ErrorCode::NotFound => return Err(gone()),
                    other => other?,
                };
                if sa.active.is_some_and(|now| now == active) {
                    return Err(changed_since(active));
                }
                Ok(Reverse::ServiceAccountActive { sa_id, active })
            }
            Reverse::KeyActive { key_id, active, .. } => {
                for sa in self.server_service_accounts(account, org_id).await? {
                    let keys = self.server_keys(account, org_id, sa.id).await?;
                    if let Some(k) = keys.iter().find(|k| k.id == key_id) {
                        if k.active.is_some_and(|now| now == active) {
                            return Err(changed_since(active));
                        }
                        return Ok(Reverse::KeyActive { sa_id: Some(sa.id), key_id, active });
                    }
                }
                Err(gone())
            }
            other => Ok(other),
        }
    }

    /// The person is neither a member nor invited again (as just refreshed).
    fn check_not_back(&self, e: &ActivityEntry, org_id: Uuid) -> Result<()> {
        let account = e.account_id.as_str();
        let email = e.target.as_str();
        let member = self
            .with_cache(|c| c.user_members_by(account, org_id, UserField::Email, email))?
            .into_iter()
            .any(|r| r.user.and_then(|u| u.email).is_some_and(|m| same_email(&m, email)));
        if member {
            return Err(conflict(format!("{email} is a member of this organization now; nothing to undo")));
        }
        let pending =
            self.with_cache(|c| c.invitations_matching(account, org_id, email))?.into_iter().any(|i| {
                same_email(&i.email, email) && matches!(i.status, None | Some(InvitationStatus::Pending))
            });
        if pending {
            return Err(conflict(format!("{email} has a pending invitation again; nothing to undo")));
        }
        Ok(())
    }

    /// Carries the reversal out through the write pipeline (its entries name the entry undone).
    async fn carry_out(&self, e: &ActivityEntry, org_id: Uuid, reverse: Reverse) -> Result<String> {
        let account = e.account_id.as_str();
        match reverse {
            Reverse::SetRoles { user_id, roles } => {
                let wanted = roles
                    .iter()
                    .map(|r| {
                        let role_id = Uuid::parse_str(&r.id).map_err(|_| {
                            CoreError::invalid(
                                format!("entry #{} names a role without an id", e.id),
                                Vec::new(),
                            )
                        })?;
                        Ok(MemberRole {
                            role_id,
                            name: r.name.clone(),
                            level: Some(RoleLevel::Organization),
                            via_team: false,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let write = SetRoles { user_id, label: e.target.clone(), roles: wanted };
                match self.run(account, org_id, &write).await {
                    Ok(_) if e.kind == K::MemberRemoval => {
                        Ok(format!("{} is a member again with {}.", e.target, labels(&roles)))
                    }
                    Ok(_) => Ok(format!("{} holds {} again.", e.target, labels(&roles))),
                    // A server that gives roles only to members: invite them back instead.
                    Err(err)
                        if e.kind == K::MemberRemoval
                            && matches!(err.code, ErrorCode::NotFound | ErrorCode::InvalidInput)
                            && e.target.contains('@') =>
                    {
                        let first = &roles[0];
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
            Reverse::Remove { user_id } => {
                let target = RemoveTarget::Id { user_id, label: e.target.clone() };
                self.run(account, org_id, &RemoveMember { target }).await?;
                Ok(format!("{} is no longer a member.", e.target))
            }
            Reverse::InviteAgain { spec, carried } => {
                let outcome =
                    self.invite_with(account, org_id, std::slice::from_ref(&e.target), &spec).await?;
                let outcome = outcome
                    .into_iter()
                    .next()
                    .ok_or_else(|| CoreError::internal("no outcome of the invitation"))?;
                if let Some(err) = outcome.error.clone() {
                    return Err(err);
                }
                let missed: Vec<String> = outcome.failed().map(|a| a.extra.label()).collect();
                let mut message = format!("Invited {} again with {}.", e.target, carried.join(", "));
                if !missed.is_empty() {
                    message.push_str(&format!(" These did not take: {}.", missed.join(", ")));
                }
                Ok(message)
            }
            Reverse::Revoke { invitation_id } => {
                self.revoke_invitation(account, org_id, &invitation_id.to_string()).await?;
                Ok(format!("The invitation to {} is revoked.", e.target))
            }
            Reverse::RenameOrg(name) => {
                self.update_organization(account, org_id, Some(name.clone()), None).await?;
                Ok(format!("The organization is named {name} again."))
            }
            Reverse::RenameTeam { team_id, name } => {
                self.update_team(account, org_id, &team_id.to_string(), Some(name.clone()), None).await?;
                Ok(format!("The team is named {name} again."))
            }
            Reverse::RenameWorkspace { workspace_id, name } => {
                self.update_workspace(account, org_id, &workspace_id.to_string(), Some(name.clone()), None)
                    .await?;
                Ok(format!("The workspace is named {name} again."))
            }
            Reverse::ServiceAccountActive { sa_id, active } => {
                // Boxed: the undo's future stays small (each write's future is large in debug builds).
                Box::pin(self.set_service_account_active(account, org_id, &sa_id.to_string(), active))
                    .await?;
                Ok(format!("{} is {} again.", e.target, if active { "active" } else { "inactive" }))
            }
            Reverse::KeyActive { sa_id, key_id, active } => {
                let sa_id = sa_id.ok_or_else(|| CoreError::internal("the key's account was not found"))?;
                let key = key_id.to_string();
                Box::pin(self.set_api_key_active(account, org_id, &sa_id.to_string(), &key, active)).await?;
                Ok(format!("{} is {} again.", e.target, if active { "active" } else { "inactive" }))
            }
        }
    }
}

/// What a reversal will change, in words.
fn describe(e: &ActivityEntry, reverse: &Reverse) -> String {
    match reverse {
        Reverse::SetRoles { roles, .. } if e.kind == K::MemberRemoval => {
            format!("{} becomes a member again with {}.", e.target, labels(roles))
        }
        Reverse::SetRoles { roles, .. } => format!(
            "{} will hold {} instead of {}.",
            e.target,
            labels(roles),
            e.detail.as_deref().unwrap_or("the role set")
        ),
        Reverse::Remove { .. } => format!("{} will be removed from the organization again.", e.target),
        Reverse::InviteAgain { carried, .. } => {
            format!("{} will be invited again with {}.", e.target, carried.join(", "))
        }
        Reverse::Revoke { .. } => format!("The invitation to {} will be revoked.", e.target),
        Reverse::RenameOrg(n) => format!("The organization will be named {n} again."),
        Reverse::RenameTeam { name, .. } => format!("The team will be named {name} again."),
        Reverse::RenameWorkspace { name, .. } => format!("The workspace will be named {name} again."),
        Reverse::ServiceAccountActive { active, .. } | Reverse::KeyActive { active, .. } => {
            let state = if *active { "activated" } else { "deactivated" };
            format!("{} will be {state} again.", e.target)
        }
    }
}
