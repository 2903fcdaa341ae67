//! The writes that send invitations: a batch (one journal entry per email), and a resend. An
//! invitation batch reads from the server what it is about to give (the organization role, the
//! workspaces and their roles, the teams) right before sending; a resend reads the invitation (gone or
//! accepted is refused), revokes it if it is still pending, and sends again what it carries on the
//! server now.

use std::collections::BTreeSet;

use uuid::Uuid;
use zenml_cloud_api::{Invitation, InvitationStatus, Role, RoleFilter, RoleRef};

use super::members::invitation_entry;
use super::{Ctx, Entry, Write};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::invites::{checked_emails, name_scopes, InviteExtra, InviteOutcome, InviteSpec};

/// What an invitation batch gives, checked against the cache.
pub(crate) struct Planned {
    pub emails: Vec<String>,
    pub role: Role,
    /// Whether the organization role was found among the roles the caller can see; not when they are
    /// hidden from it and the role was given by id (sent as given: the server decides).
    pub role_checked: bool,
    pub extras: Vec<InviteExtra>,
}

/// What it gives as the server names it now.
pub(crate) struct Checked {
    pub role: RoleRef,
    pub extras: Vec<InviteExtra>,
}

/// In words: the organization role, then each workspace role and team ("Workspace Viewer on
/// acme-prod", "team platform").
fn label(role: &str, extras: &[InviteExtra]) -> String {
    let mut parts = vec![role.to_owned()];
    parts.extend(extras.iter().map(InviteExtra::label));
    parts.join(", ")
}

fn gone(what: &str, name: &str) -> CoreError {
    CoreError::not_found(format!("the {what} {name} no longer exists on the server; nothing was sent"))
}

/// One or several emails invited with an organization role, any workspace roles and any teams.
pub(crate) struct Invite<'a> {
    pub emails: &'a [String],
    pub spec: &'a InviteSpec,
}

impl Write for Invite<'_> {
    type Target = Planned;
    type State = Checked;
    /// What became of each email.
    type Answer = Vec<InviteOutcome>;

    fn kind(&self) -> K {
        K::Invite
    }

    fn named(&self) -> String {
        self.emails.iter().map(|e| e.trim()).collect::<Vec<_>>().join(", ")
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Planned> {
        let emails = checked_emails(self.emails)?;
        let (role, role_checked) = cx.core.invite_role(cx.account_id, cx.org_id, &self.spec.role)?;
        let extras = cx.core.invite_extras(cx.account_id, cx.org_id, self.spec)?;
        Ok(Planned { emails, role, role_checked, extras })
    }

    /// The organization's roles (one list; not when they are hidden from the caller and the invitation
    /// gives no workspace role), each workspace named (one read each) and, when the invitation adds
    /// any, the organization's teams (one list).
    async fn read(&self, cx: Ctx<'_>, p: &Planned) -> Result<Checked> {
        let org_id = cx.org_id;
        let needs_roles = p.role_checked || p.extras.iter().any(|x| matches!(x, InviteExtra::Role { .. }));
        let roles = if needs_roles {
            cx.core
                .authed(
                    cx.account_id,
                    |c, t| async move { c.all_roles(&t, org_id, &RoleFilter::default()).await },
                )
                .await?
                .items
        } else {
            Vec::new()
        };
        let role_now = |id: Uuid, name: &str| {
            roles.iter().find(|r| r.id == id).map(|r| r.name.clone()).ok_or_else(|| gone("role", name))
        };
        let role = if p.role_checked {
            RoleRef { id: p.role.id, name: Some(role_now(p.role.id, &p.role.name)?) }
        } else {
            RoleRef { id: p.role.id, name: None }
        };
        let workspaces: BTreeSet<Uuid> = p
            .extras
            .iter()
            .filter_map(|x| match x {
                InviteExtra::Role { workspace_id, .. } => *workspace_id,
                InviteExtra::Team { .. } => None,
            })
            .collect();
        let mut ws_names = Vec::new();
        for id in workspaces {
            let key = id.to_string();
            let ws = cx
                .core
                .authed(cx.account_id, |c, t| {
                    let key = key.clone();
                    async move { c.get_workspace(&t, &key).await }
                })
                .await;
            match ws {
                Ok(ws) => ws_names.push((id, ws.name)),
                Err(e) if e.code == ErrorCode::NotFound => {
                    let cached = p.extras.iter().find_map(|x| match x {
                        InviteExtra::Role { workspace_id: Some(w), workspace, .. } if *w == id => {
                            workspace.clone()
                        }
                        _ => None,
                    });
                    return Err(gone("workspace", &cached.unwrap_or(key)));
                }
                Err(e) => return Err(e),
            }
        }
        let teams = if p.extras.iter().any(|x| matches!(x, InviteExtra::Team { .. })) {
            cx.core.authed(cx.account_id, |c, t| async move { c.all_teams(&t, org_id).await }).await?.items
        } else {
            Vec::new()
        };
        let mut extras = Vec::with_capacity(p.extras.len());
        for x in &p.extras {
            extras.push(match x {
                InviteExtra::Role { role_id, role, workspace_id, workspace } => InviteExtra::Role {
                    role_id: *role_id,
                    role: role_now(*role_id, role)?,
                    workspace_id: *workspace_id,
                    workspace: workspace_id
                        .and_then(|w| ws_names.iter().find(|(id, _)| *id == w))
                        .map(|(_, n)| n.clone())
                        .or_else(|| workspace.clone()),
                },
                InviteExtra::Team { team_id, team } => InviteExtra::Team {
                    team_id: *team_id,
                    team: teams
                        .iter()
                        .find(|t| t.id == *team_id)
                        .map(|t| t.name.clone())
                        .ok_or_else(|| gone("team", team))?,
                },
            });
        }
        Ok(Checked { role, extras })
    }

    async fn act(&self, cx: Ctx<'_>, p: &Planned, now: &Checked) -> Result<Self::Answer> {
        let mut outcomes = Vec::with_capacity(p.emails.len());
        for (i, email) in p.emails.iter().enumerate() {
            match cx.core.send_invitation(cx.account_id, cx.org_id, email, &now.role, &now.extras).await {
                Ok(outcome) => outcomes.push(outcome),
                Err(e) if i == 0 && e.ends_a_batch() => return Err(e),
                Err(e) => outcomes.push(InviteOutcome {
                    email: email.clone(),
                    invitation: None,
                    error: Some(e),
                    attached: Vec::new(),
                }),
            }
        }
        Ok(outcomes)
    }

    fn cache(&self, cx: Ctx<'_>, _: &Planned, _: &Checked, outcomes: &Self::Answer) -> Result<()> {
        for inv in outcomes.iter().filter_map(|o| o.invitation.as_ref()) {
            cx.core.with_cache(|c| c.put_invitation(cx.account_id, cx.org_id, inv))?;
        }
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, p: &Planned, now: Option<&Checked>) -> Entry {
        let what = match now {
            Some(c) => label(c.role.name.as_deref().unwrap_or(&p.role.name), &c.extras),
            None => label(&p.role.name, &p.extras),
        };
        Entry::new(K::Invite, p.emails.join(", ")).detail(what)
    }

    fn entries(&self, entry: Entry, outcomes: &Self::Answer) -> Vec<Entry> {
        outcomes
            .iter()
            .map(|o| {
                let mut e = entry.clone();
                e.target = o.email.clone();
                e.target_id = o.invitation.as_ref().map(|i| i.id.to_string());
                e.error = o.error.clone();
                e
            })
            .collect()
    }
}

/// An invitation sent again: revoked if still pending, then the same email invited with what it
/// carries on the server now (its organization role, its other roles and its teams).
pub(crate) struct Resend<'a> {
    pub id_or_email: &'a str,
}

/// The invitation as the server has it now, and what to send again.
pub(crate) struct Again {
    pub now: Invitation,
    pub role: RoleRef,
    pub extras: Vec<InviteExtra>,
}

impl Write for Resend<'_> {
    type Target = Invitation;
    type State = Again;
    type Answer = InviteOutcome;

    fn kind(&self) -> K {
        K::Resend
    }

    fn named(&self) -> String {
        self.id_or_email.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Invitation> {
        cx.core.find_invitation(cx.account_id, cx.org_id, self.id_or_email)
    }

    /// The invitation as the server has it now: gone is `not_found`, accepted is `conflict` (the
    /// person is a member now); pending, expired, declined or revoked, it is sent again.
    async fn read(&self, cx: Ctx<'_>, inv: &Invitation) -> Result<Again> {
        let now = cx.core.server_invitation(cx.account_id, cx.org_id, inv.id, &inv.email).await?;
        let Some(mut now) = now else {
            return Err(CoreError::not_found(format!(
                "the invitation to {} no longer exists on the server (already gone); nothing was sent",
                inv.email
            )));
        };
        if now.status == Some(InvitationStatus::Accepted) {
            return Err(CoreError::new(
                ErrorCode::Conflict,
                format!(
                    "{} accepted the invitation since: they are a member now; nothing was sent",
                    inv.email
                ),
            ));
        }
        name_from_cache(cx, &mut now)?;
        let role = now.role.clone().ok_or_else(|| {
            CoreError::invalid(
                "this invitation carries no role, so it cannot be sent again as it was",
                Vec::new(),
            )
        })?;
        let role = RoleRef {
            name: role.name.clone().or_else(|| {
                cx.core
                    .with_cache(|c| c.role_by_id(cx.account_id, cx.org_id, role.id))
                    .ok()
                    .flatten()
                    .map(|r| r.name)
            }),
            ..role
        };
        let extras = cx.core.extras_of(cx.account_id, cx.org_id, &now)?;
        Ok(Again { now, role, extras })
    }

    async fn act(&self, cx: Ctx<'_>, _: &Invitation, again: &Again) -> Result<InviteOutcome> {
        let (org_id, id) = (cx.org_id, again.now.id);
        let was_pending = pending(&again.now);
        if was_pending {
            let revoked_now = cx
                .core
                .authed(cx.account_id, |c, t| async move { c.revoke_invitation(&t, org_id, id).await })
                .await;
            match revoked_now {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        let sent = cx
            .core
            .send_invitation(cx.account_id, org_id, &again.now.email, &again.role, &again.extras)
            .await;
        sent.map_err(|e| {
            if !was_pending {
                return CoreError {
                    message: format!("sending the invitation again failed: {}", e.message),
                    ..e
                };
            }
            // The old one is revoked on the server whatever follows.
            let kept = cx.core.with_cache(|c| c.put_invitation(cx.account_id, org_id, &revoked(&again.now)));
            if let Err(err) = kept {
                tracing::warn!(code = err.code.as_str(), "a revoked invitation could not be cached");
            }
            CoreError {
                message: format!(
                    "the old invitation was revoked but sending the new one failed: {}",
                    e.message
                ),
                ..e
            }
        })
    }

    fn cache(&self, cx: Ctx<'_>, _: &Invitation, again: &Again, outcome: &InviteOutcome) -> Result<()> {
        let old = if pending(&again.now) { revoked(&again.now) } else { again.now.clone() };
        cx.core.with_cache(|c| c.put_invitation(cx.account_id, cx.org_id, &old))?;
        match &outcome.invitation {
            Some(new) => cx.core.with_cache(|c| c.put_invitation(cx.account_id, cx.org_id, new)),
            None => Ok(()),
        }
    }

    fn entry(&self, _: Ctx<'_>, inv: &Invitation, again: Option<&Again>) -> Entry {
        invitation_entry(K::Resend, again.map_or(inv, |a| &a.now))
    }

    /// The new invitation's id.
    fn entries(&self, mut entry: Entry, outcome: &InviteOutcome) -> Vec<Entry> {
        if let Some(i) = &outcome.invitation {
            entry.target_id = Some(i.id.to_string());
        }
        entry.error = outcome.error.clone();
        vec![entry]
    }
}

/// Names what an invitation read from the server carries by id only (its workspaces, its teams)
/// from the cache, for its journal entry.
pub(crate) fn name_from_cache(cx: Ctx<'_>, inv: &mut Invitation) -> Result<()> {
    let workspaces = cx.core.workspaces(cx.account_id, cx.org_id)?.value;
    let teams = cx.core.teams(cx.account_id, cx.org_id)?.value;
    name_scopes(inv, &workspaces, &teams);
    Ok(())
}

fn pending(inv: &Invitation) -> bool {
    matches!(inv.status, None | Some(InvitationStatus::Pending))
}

fn revoked(inv: &Invitation) -> Invitation {
    Invitation { status: Some(InvitationStatus::Revoked), ..inv.clone() }
}
