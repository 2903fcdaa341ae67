//! What undoing an entry reverses, worked out against the fresh state (the organization as just
//! refreshed, and the server for what is not cached), and said in words.

use uuid::Uuid;
use zenml_cloud_api::{InvitationStatus, MemberRole, RoleLevel};

use super::{conflict, labels, role_label, uuid_of};
use crate::cache::{ActivityEntry, ActivityKind as K, PriorRole, UserField};
use crate::error::{CoreError, ErrorCode, Result};
use crate::invites::InviteSpec;
use crate::resolve::same_email;
use crate::service::Core;

/// The reversal of one entry, against the fresh state.
pub(super) enum Reverse {
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
impl Core {
    /// The direct organization role names a member holds now (as just refreshed); `None`: not a member.
    pub(super) fn direct_now(
        &self,
        account: &str,
        org_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Vec<String>>> {
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
    pub(super) fn reverse_plan(&self, e: &ActivityEntry, org_id: Uuid) -> Result<Reverse> {
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
    pub(super) async fn check_live(
        &self,
        e: &ActivityEntry,
        org_id: Uuid,
        reverse: Reverse,
    ) -> Result<Reverse> {
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
    pub(super) fn check_not_back(&self, e: &ActivityEntry, org_id: Uuid) -> Result<()> {
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
}

/// What a reversal will change, in words.
pub(super) fn describe(e: &ActivityEntry, reverse: &Reverse) -> String {
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
