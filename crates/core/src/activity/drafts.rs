//! The drafts of each write's entry, made from the cache before the write: what it targets and what
//! it is about to replace. A draft never fails: what the cache cannot say is left out (the target is
//! then named as the caller named it), and the write itself reports what was wrong.

use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRow, RoleLevel, WorkspaceStatus};

use super::Draft;
use crate::cache::{ActivityKind as K, PriorRole, PriorTeam, Replaced};
use crate::invites::InviteSpec;
use crate::service::Core;

/// The direct organization roles of a member row, as they were.
fn direct_org_roles(row: &MemberRow) -> Vec<PriorRole> {
    row.roles
        .iter()
        .filter(|r| !r.via_team && r.level.is_none_or(|l| l == RoleLevel::Organization))
        .map(|r| PriorRole { id: r.role_id.to_string(), name: r.name.clone(), ..Default::default() })
        .collect()
}

/// What an invitation carried: its roles (the organization role first) and its teams.
fn carried(inv: &Invitation) -> Replaced {
    let mut roles: Vec<PriorRole> = inv
        .all_roles()
        .into_iter()
        .map(|r| PriorRole {
            id: r.id.to_string(),
            name: r.name,
            workspace_id: r.workspace_id.map(|w| w.to_string()),
            workspace: r.workspace_name,
        })
        .collect();
    if let Some(main) = &inv.role {
        let main_id = main.id.to_string();
        if let Some(i) = roles.iter().position(|r| r.id == main_id && r.workspace_id.is_none()) {
            let r = roles.remove(i);
            roles.insert(0, PriorRole { name: r.name.or_else(|| main.name.clone()), ..r });
        }
    }
    let teams = inv.teams.iter().map(|t| PriorTeam { id: t.id.to_string(), name: t.name.clone() }).collect();
    Replaced { roles, teams, ..Default::default() }
}

impl Core {
    pub(crate) fn draft_resend(&self, account_id: &str, org_id: Uuid, id_or_email: &str) -> Draft {
        let mut d = Draft::new(K::Resend, account_id, org_id, id_or_email.trim());
        if let Ok(inv) = self.find_invitation(account_id, org_id, id_or_email) {
            d.target_id = Some(inv.id.to_string());
            d.target = inv.email.clone();
            d.replaced = carried(&inv);
            d.detail = d.replaced.roles.first().map(|r| r.name.clone().unwrap_or_else(|| r.id.clone()));
        }
        d
    }

    pub(crate) fn draft_invite(
        &self,
        account_id: &str,
        org_id: Uuid,
        emails: &[String],
        spec: &InviteSpec,
    ) -> Draft {
        let targets: Vec<&str> = emails.iter().map(|e| e.trim()).collect();
        let mut d = Draft::new(K::Invite, account_id, org_id, targets.join(", "));
        d.detail = Some(self.spec_label(account_id, org_id, spec));
        d
    }

    /// What an invitation carries, in words: each role, workspace and team by its cached name (an undo
    /// names them by id), else as given.
    fn spec_label(&self, account_id: &str, org_id: Uuid, spec: &InviteSpec) -> String {
        let role =
            |r: &str| self.find_role(account_id, org_id, r).map_or_else(|_| r.trim().to_owned(), |x| x.name);
        let mut parts = vec![role(&spec.role)];
        for (w, r) in &spec.workspace_roles {
            let ws =
                self.find_workspace(account_id, org_id, w).map_or_else(|_| w.trim().to_owned(), |x| x.name);
            parts.push(format!("{} on {ws}", role(r)));
        }
        for t in &spec.teams {
            let team = self.find_team(account_id, org_id, t).map_or_else(|_| t.trim().to_owned(), |x| x.name);
            parts.push(format!("team {team}"));
        }
        parts.join(", ")
    }

    fn team_draft(&self, kind: K, account_id: &str, org_id: Uuid, team: &str) -> Draft {
        let mut d = Draft::new(kind, account_id, org_id, team.trim());
        if let Ok(t) = self.find_team(account_id, org_id, team) {
            d.target_id = Some(t.id.to_string());
            d.target = t.name;
        }
        d
    }

    pub(crate) fn draft_team_create(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: &str,
        members: &[String],
    ) -> Draft {
        let mut d = Draft::new(K::TeamCreate, account_id, org_id, name.trim());
        if !members.is_empty() {
            let emails: Vec<&str> = members.iter().map(|e| e.trim()).collect();
            d.detail = Some(format!("with {}", emails.join(", ")));
        }
        d
    }

    pub(crate) fn draft_team_update(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Draft {
        let kind = if name.is_some() { K::TeamRename } else { K::TeamDescription };
        let mut d = self.team_draft(kind, account_id, org_id, team);
        if let Ok(t) = self.find_team(account_id, org_id, team) {
            d.replaced.name = name.map(|_| t.name.clone());
            d.replaced.description = description.map(|_| t.description.clone().unwrap_or_default());
        }
        d.detail = name.map(|n| n.trim().to_owned()).or_else(|| description.map(str::to_owned));
        d
    }

    pub(crate) fn draft_team_delete(&self, account_id: &str, org_id: Uuid, team: &str) -> Draft {
        self.team_draft(K::TeamDelete, account_id, org_id, team)
    }

    /// One draft for every email of a team change (split per email by the outcome).
    pub(crate) fn draft_team_members(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        emails: &[String],
        add: bool,
    ) -> Draft {
        let kind = if add { K::TeamMemberAdd } else { K::TeamMemberRemove };
        let t = self.team_draft(kind, account_id, org_id, team);
        let targets: Vec<&str> = emails.iter().map(|e| e.trim()).collect();
        let mut d = Draft::new(kind, account_id, org_id, targets.join(", "));
        d.detail = Some(format!("team {}", t.target));
        d
    }

    pub(crate) fn draft_team_role(&self, account_id: &str, org_id: Uuid, team: &str, role: &str) -> Draft {
        let mut d = self.team_draft(K::TeamRole, account_id, org_id, team);
        if let Some(id) = d.target_id.as_deref().and_then(|t| Uuid::parse_str(t).ok()) {
            if let Ok(Some(row)) = self.with_cache(|c| c.team_member_row(account_id, org_id, id)) {
                d.replaced.roles = direct_org_roles(&row);
            }
        }
        d.detail =
            Some(self.org_role(account_id, org_id, role).map_or_else(|_| role.trim().to_owned(), |r| r.name));
        d
    }

    fn workspace_draft(&self, kind: K, account_id: &str, org_id: Uuid, workspace: &str) -> Draft {
        let mut d = Draft::new(kind, account_id, org_id, workspace.trim());
        if let Ok(ws) = self.find_workspace(account_id, org_id, workspace) {
            d.target_id = Some(ws.id.to_string());
            d.target = ws.name.clone();
            d.replaced.state = Some(ws.status.as_str().to_owned());
        }
        d
    }

    pub(crate) fn draft_workspace_state(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        desired: WorkspaceStatus,
    ) -> Draft {
        let mut d = self.workspace_draft(K::WorkspaceState, account_id, org_id, workspace);
        d.detail = Some(desired.as_str().to_owned());
        d
    }

    pub(crate) fn draft_workspace_update(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Draft {
        let kind = if name.is_some() { K::WorkspaceRename } else { K::WorkspaceDescription };
        let mut d = self.workspace_draft(kind, account_id, org_id, workspace);
        d.replaced.state = None;
        if let Ok(ws) = self.find_workspace(account_id, org_id, workspace) {
            d.replaced.name = name.map(|_| ws.name.clone());
            d.replaced.description = description.map(|_| ws.description.clone().unwrap_or_default());
        }
        d.detail = name.map(|n| n.trim().to_owned()).or_else(|| description.map(str::to_owned));
        d
    }

    pub(crate) fn draft_grant(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        who: &str,
        role: &str,
        add: bool,
    ) -> Draft {
        let kind = if add { K::GrantAdd } else { K::GrantRevoke };
        let mut d = Draft::new(kind, account_id, org_id, who.trim());
        if let Ok(g) = self.find_grantee(account_id, org_id, who) {
            d.target_id = Some(g.id.to_string());
            d.target = g.label;
        }
        let ws = self
            .find_workspace(account_id, org_id, workspace)
            .map_or_else(|_| workspace.trim().to_owned(), |w| w.name);
        let role =
            self.find_role(account_id, org_id, role).map_or_else(|_| role.trim().to_owned(), |r| r.name);
        d.detail = Some(format!("{role} on {ws}"));
        d
    }
}
