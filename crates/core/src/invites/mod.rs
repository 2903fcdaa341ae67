//! Invitations with everything they carry: one organization role, any workspace roles and any teams.
//!
//! An invitation is created with its organization role (`POST /organizations/{id}/invitations`), then
//! each workspace role is assigned to it (`POST /roles/{id}/assignments?invitation_id=&workspace_id=`)
//! and it is added to each team (`POST /teams/{id}/members?invitation_id=`). Everything is checked
//! before any request: each email, the organization role (organization level), each workspace and
//! workspace role (workspace level), each team. The outcome of each email says what was attached and
//! what failed; nothing is retried. The cache gets the invitation at once, with what it now holds.
//! Resending revokes the pending invitation and sends a new one carrying the same roles and teams.

use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{
    Assignee, Invitation, InvitationCreate, InvitationRole, Role, RoleLevel, RoleRef, RoleScope, Team,
    TeamMember, TeamRef, Workspace,
};

use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::pipeline::invites::Invite;
use crate::service::Core;
use crate::validate::check_email;

mod many;
mod resend;

pub use many::InvitePlan;

/// What to invite people with: an organization role, and any workspace roles and teams, each named
/// by id or by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InviteSpec {
    /// The organization role.
    pub role: String,
    /// (workspace, workspace role) pairs.
    pub workspace_roles: Vec<(String, String)>,
    pub teams: Vec<String>,
}

impl InviteSpec {
    /// An invitation with an organization role only.
    pub fn role(role: impl Into<String>) -> Self {
        Self { role: role.into(), ..Self::default() }
    }
}

/// Something attached to an invitation after it was created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InviteExtra {
    /// A role: a workspace role with its workspace, or (when resending) another organization role.
    Role { role_id: Uuid, role: String, workspace_id: Option<Uuid>, workspace: Option<String> },
    /// Membership of a team.
    Team { team_id: Uuid, team: String },
}

impl InviteExtra {
    /// In words: "Workspace Developer on acme-prod", "team platform".
    pub fn label(&self) -> String {
        match self {
            Self::Role { role, workspace: Some(ws), .. } => format!("{role} on {ws}"),
            Self::Role { role, workspace_id: Some(id), .. } => format!("{role} on workspace {id}"),
            Self::Role { role, .. } => role.clone(),
            Self::Team { team, .. } => format!("team {team}"),
        }
    }
}

/// Whether one extra took.
#[derive(Clone, Debug, Serialize)]
pub struct ExtraOutcome {
    #[serde(flatten)]
    pub extra: InviteExtra,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CoreError>,
}

/// What happened to one email of an invitation batch (or to a resent invitation).
#[derive(Clone, Debug, Serialize)]
pub struct InviteOutcome {
    pub email: String,
    /// The invitation, as cached: with every role and team it was given here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<Invitation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CoreError>,
    /// The workspace roles and teams attached after the invitation was created, each with whether it
    /// took (empty when the invitation itself failed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attached: Vec<ExtraOutcome>,
}

impl InviteOutcome {
    /// The extras that failed.
    pub fn failed(&self) -> impl Iterator<Item = &ExtraOutcome> {
        self.attached.iter().filter(|a| !a.ok)
    }
}

fn bad(field: &str, message: String) -> CoreError {
    CoreError::invalid(message.clone(), vec![FieldMessage { field: field.into(), message }])
}

/// Trims, checks and de-duplicates emails (without regard to case); an invalid one is `invalid_input`
/// naming every invalid one.
pub(crate) fn checked_emails(emails: &[String]) -> Result<Vec<String>> {
    let mut cleaned: Vec<String> = Vec::new();
    let mut wrong = Vec::new();
    for raw in emails {
        let email = raw.trim().to_owned();
        match check_email(&email) {
            Ok(()) if !cleaned.iter().any(|e| e.eq_ignore_ascii_case(&email)) => cleaned.push(email),
            Ok(()) => {}
            Err(message) => wrong.push(FieldMessage { field: email, message }),
        }
    }
    if !wrong.is_empty() {
        let list: Vec<&str> = wrong.iter().map(|f| f.field.as_str()).collect();
        return Err(CoreError::invalid(format!("not a valid email address: {}", list.join(", ")), wrong));
    }
    if cleaned.is_empty() {
        return Err(CoreError::invalid("give at least one email address", Vec::new()));
    }
    Ok(cleaned)
}

/// Names what an invitation carries by id only: its workspaces and teams, from the organization's.
pub(crate) fn name_scopes(inv: &mut Invitation, workspaces: &[Workspace], teams: &[Team]) {
    for r in inv.roles.iter_mut() {
        if let (Some(id), None) = (r.workspace_id, &r.workspace_name) {
            r.workspace_name = workspaces.iter().find(|w| w.id == id).map(|w| w.name.clone());
        }
    }
    for t in inv.teams.iter_mut().filter(|t| t.name.is_none()) {
        t.name = teams.iter().find(|x| x.id == t.id).map(|x| x.name.clone());
    }
}

/// The invitation as it now stands: the server's answer, its organization role named, and every
/// extra that took added (the answer to the create came before they were attached).
fn with_extras(mut inv: Invitation, role: &RoleRef, attached: &[ExtraOutcome]) -> Invitation {
    if inv.role.is_none() {
        inv.role = Some(role.clone());
    }
    for r in inv.role.iter_mut().filter(|r| r.id == role.id && r.name.is_none()) {
        r.name = role.name.clone();
    }
    match inv.roles.iter_mut().find(|r| r.id == role.id && r.workspace_id.is_none()) {
        Some(own) => {
            own.name = own.name.take().or_else(|| role.name.clone());
            own.level = own.level.or(Some(RoleLevel::Organization));
        }
        None => inv.roles.insert(
            0,
            InvitationRole {
                name: role.name.clone(),
                level: Some(RoleLevel::Organization),
                ..InvitationRole::bare(role.id)
            },
        ),
    }
    for a in attached.iter().filter(|a| a.ok) {
        match &a.extra {
            InviteExtra::Role { role_id, role, workspace_id, workspace } => {
                let level =
                    if workspace_id.is_some() { RoleLevel::Workspace } else { RoleLevel::Organization };
                match inv.roles.iter_mut().find(|r| r.id == *role_id && r.workspace_id == *workspace_id) {
                    Some(held) => {
                        held.name = held.name.take().or_else(|| Some(role.clone()));
                        held.level = held.level.or(Some(level));
                        held.workspace_name = held.workspace_name.take().or_else(|| workspace.clone());
                    }
                    None => inv.roles.push(InvitationRole {
                        id: *role_id,
                        name: Some(role.clone()),
                        level: Some(level),
                        workspace_id: *workspace_id,
                        workspace_name: workspace.clone(),
                    }),
                }
            }
            InviteExtra::Team { team_id, team } => match inv.teams.iter_mut().find(|t| t.id == *team_id) {
                Some(held) => held.name = held.name.take().or_else(|| Some(team.clone())),
                None => inv.teams.push(TeamRef { id: *team_id, name: Some(team.clone()) }),
            },
        }
    }
    inv
}

impl Core {
    /// Checks an invitation's workspace roles and teams against the cache (nothing is sent): each
    /// workspace known, each role of the workspace level, each team known. Repeats are dropped.
    pub(crate) fn invite_extras(
        &self,
        account_id: &str,
        org_id: Uuid,
        spec: &InviteSpec,
    ) -> Result<Vec<InviteExtra>> {
        let mut extras: Vec<InviteExtra> = Vec::new();
        for (workspace, role) in &spec.workspace_roles {
            if workspace.trim().is_empty() || role.trim().is_empty() {
                return Err(bad("workspace_role", "a workspace role needs a workspace and a role".into()));
            }
            let ws = self.find_workspace(account_id, org_id, workspace)?;
            let role: Role = self.workspace_role(account_id, org_id, role)?;
            let extra = InviteExtra::Role {
                role_id: role.id,
                role: role.name,
                workspace_id: Some(ws.id),
                workspace: Some(ws.name),
            };
            if !extras.contains(&extra) {
                extras.push(extra);
            }
        }
        for team in &spec.teams {
            let t = self.find_team(account_id, org_id, team)?;
            let extra = InviteExtra::Team { team_id: t.id, team: t.name };
            if !extras.contains(&extra) {
                extras.push(extra);
            }
        }
        Ok(extras)
    }

    /// Invites one or several emails with an organization role (named by id or by name, see
    /// [`Core::org_role`]). Equivalent to [`Core::invite_with`] with no workspace roles or teams.
    pub async fn invite(
        &self,
        account_id: &str,
        org_id: Uuid,
        emails: &[String],
        role: &str,
    ) -> Result<Vec<InviteOutcome>> {
        self.invite_with(account_id, org_id, emails, &InviteSpec::role(role)).await
    }

    /// Invites one or several emails with an organization role, any workspace roles and any teams.
    /// Every email, the role, each workspace and workspace role and each team are checked against the
    /// cache before any request (`invalid_input` otherwise), then read from the server (one that no
    /// longer exists there is `not_found`, and nothing is sent). Then each email is invited and, once
    /// its invitation exists, given each workspace role and team; the outcome of each email says what
    /// took. A failure of the first invitation that no other email could escape (offline,
    /// unauthorized, forbidden) is returned as the error. One journal entry per email.
    pub async fn invite_with(
        &self,
        account_id: &str,
        org_id: Uuid,
        emails: &[String],
        spec: &InviteSpec,
    ) -> Result<Vec<InviteOutcome>> {
        self.run(account_id, org_id, &Invite { emails, spec }).await
    }

    /// Creates one invitation and attaches the extras to it; the outcome has the invitation as it now
    /// stands (the write's `cache` step stores it). `Err` only when the invitation itself could not be
    /// created.
    pub(crate) async fn send_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        email: &str,
        role: &RoleRef,
        extras: &[InviteExtra],
    ) -> Result<InviteOutcome> {
        let create = InvitationCreate { email: email.to_owned(), role_id: role.id };
        let created = self
            .authed(account_id, |c, t| {
                let create = create.clone();
                async move { c.create_invitation(&t, org_id, &create).await }
            })
            .await?;
        tracing::info!(org = %org_id, invitation = %created.id, "invitation sent");
        let attached = self.attach(account_id, created.id, extras).await;
        let invitation = with_extras(created, role, &attached);
        Ok(InviteOutcome { email: email.to_owned(), invitation: Some(invitation), error: None, attached })
    }

    /// Attaches each extra to an invitation, once each; already attached (409) counts as done.
    async fn attach(
        &self,
        account_id: &str,
        invitation_id: Uuid,
        extras: &[InviteExtra],
    ) -> Vec<ExtraOutcome> {
        let mut out = Vec::with_capacity(extras.len());
        for extra in extras {
            let result = match *extra {
                InviteExtra::Role { role_id, workspace_id, .. } => {
                    let scope = RoleScope { workspace_id, project_id: None };
                    let who = Assignee::Invitation(invitation_id);
                    self.authed(
                        account_id,
                        |c, t| async move { c.assign_role(&t, role_id, who, scope).await },
                    )
                    .await
                }
                InviteExtra::Team { team_id, .. } => {
                    let who = TeamMember::Invitation(invitation_id);
                    self.authed(account_id, |c, t| async move { c.add_team_member(&t, team_id, who).await })
                        .await
                }
            };
            let error = match result {
                Ok(()) => None,
                Err(e) if e.code == ErrorCode::Conflict => None,
                Err(e) => {
                    tracing::warn!(invitation = %invitation_id, code = e.code.as_str(), "attaching to an invitation failed");
                    Some(e)
                }
            };
            out.push(ExtraOutcome { extra: extra.clone(), ok: error.is_none(), error });
        }
        out
    }
}
