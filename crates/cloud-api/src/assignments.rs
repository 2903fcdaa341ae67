//! Role assignments read back: who holds which role, and where [P: the read routes and the row shape
//! are this project's choice, `GET /workspaces/{id}/assignments` and `GET /roles/{id}/assignments`].
//!
//! A row is read tolerantly: the role by `role_id` or a nested `role: {id, name}`, its level when
//! given, the scope (`workspace_id`, `project_id`, absent for the organization), and exactly one holder
//! (`user`, `team` or `invitation`). A row naming no role or no holder this app knows is skipped and
//! counted, the rest of the list kept.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::client::{ApiClient, Call};
use crate::error::Result;
use crate::models::*;
use crate::secret::AccessToken;
use crate::wire::{spec, Listing, ModelSpec, Obj, Skip, Wire};

spec!(pub ASSIGNMENT_SPEC, "assignment", [
    "role_id", "role" => ROLE_REF_SPEC, "level", "workspace_id", "project_id", "user" => USER_SPEC,
    "team" => TEAM_SPEC, "invitation" => INVITATION_SPEC,
]);

/// Who holds a role in an assignment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Holder {
    User(User),
    Team(Team),
    Invitation(Invitation),
}

/// One role assignment: a role, where it applies, and who holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub role_id: Uuid,
    /// The role's name when the server sent it (else resolve it from the organization's roles).
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub level: Option<RoleLevel>,
    /// `None`: the organization.
    #[serde(default)]
    pub workspace_id: Option<Uuid>,
    #[serde(default)]
    pub project_id: Option<Uuid>,
    pub holder: Holder,
}

impl Wire for RoleAssignment {
    fn spec() -> &'static ModelSpec {
        &ASSIGNMENT_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let nested = o.nested::<RoleRef>("role");
        let role_id = match o.opt::<Uuid>("role_id").or(nested.as_ref().map(|r| r.id)) {
            Some(id) => id,
            None => return Err(Skip("it names no role")),
        };
        let holder = if let Some(u) = o.nested::<User>("user") {
            Holder::User(u)
        } else if let Some(t) = o.nested::<Team>("team") {
            Holder::Team(t)
        } else if let Some(i) = o.nested::<Invitation>("invitation") {
            Holder::Invitation(i)
        } else {
            return Err(Skip("its holder is not a user, team or invitation this app knows"));
        };
        Ok(Self {
            role_id,
            role_name: nested.and_then(|r| r.name),
            level: o.opt("level"),
            workspace_id: o.opt("workspace_id"),
            project_id: o.opt("project_id"),
            holder,
        })
    }
}

impl RoleAssignment {
    /// Whether `who` is this assignment's holder.
    pub fn held_by(&self, who: crate::api::Assignee) -> bool {
        use crate::api::Assignee as A;
        match (&self.holder, who) {
            (Holder::User(u), A::User(id)) => u.id == id,
            (Holder::Team(t), A::Team(id)) => t.id == id,
            (Holder::Invitation(i), A::Invitation(id)) => i.id == id,
            _ => false,
        }
    }

    /// Whether it applies to the whole organization (no workspace, no project).
    pub fn org_wide(&self) -> bool {
        self.workspace_id.is_none() && self.project_id.is_none()
    }
}

impl ApiClient {
    /// `GET /workspaces/{id}/assignments`, every page: the roles held on a workspace.
    pub async fn all_workspace_assignments(
        &self,
        token: &AccessToken,
        workspace_id: Uuid,
    ) -> Result<Listing<RoleAssignment>> {
        let ws = workspace_id.to_string();
        self.all(|p| {
            Call::new(reqwest::Method::GET, &["workspaces", &ws, "assignments"]).token(token).page(p)
        })
        .await
    }

    /// `GET /roles/{id}/assignments?user_id=|team_id=|invitation_id=`, every page: where one holder holds
    /// a role, read right before a write acts on it. The holder filter is this project's [P]: a server
    /// that ignores it sends every holder, so the rows are filtered here as well.
    pub async fn holder_assignments(
        &self,
        token: &AccessToken,
        role_id: Uuid,
        who: crate::api::Assignee,
    ) -> Result<Vec<RoleAssignment>> {
        let role = role_id.to_string();
        let (key, value) = who.query();
        let listing: Listing<RoleAssignment> = self
            .all(|p| {
                Call::new(reqwest::Method::GET, &["roles", &role, "assignments"])
                    .token(token)
                    .query(key, value.clone())
                    .page(p)
            })
            .await?;
        Ok(listing.items.into_iter().filter(|a| a.held_by(who)).collect())
    }

    /// `GET /roles/{id}/assignments[?workspace_id=]`, every page: who holds a role, and where.
    pub async fn all_role_assignments(
        &self,
        token: &AccessToken,
        role_id: Uuid,
        workspace_id: Option<Uuid>,
    ) -> Result<Listing<RoleAssignment>> {
        let role = role_id.to_string();
        self.all(|p| {
            Call::new(reqwest::Method::GET, &["roles", &role, "assignments"])
                .token(token)
                .query_opt("workspace_id", workspace_id)
                .page(p)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const R: &str = "11111111-2222-4333-8444-555555555551";
    const W: &str = "11111111-2222-4333-8444-555555555552";
    const U: &str = "11111111-2222-4333-8444-555555555553";

    #[test]
    fn rows_are_read_tolerantly_and_unknown_holders_skipped() {
        let rows = vec![
            json!({"role_id": R, "role": {"id": R, "name": "Workspace Admin"}, "level": "workspace",
                   "workspace_id": W, "user": {"id": U, "email": "a@b.co"}, "extra": 1}),
            json!({"role": {"id": R}, "team": {"id": U, "name": "platform"}}),
            json!({"role_id": R, "sso_group": {"id": U}}),
            json!({"user": {"id": U}}),
        ];
        let list = Listing::<RoleAssignment>::read(&rows);
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.notes.skipped, 2);
        assert_eq!(list.items[0].role_name.as_deref(), Some("Workspace Admin"));
        assert_eq!(list.items[0].workspace_id, Some(Uuid::parse_str(W).unwrap()));
        assert!(matches!(list.items[1].holder, Holder::Team(_)));
        assert_eq!(list.items[1].workspace_id, None);
        assert!(list.notes.unknown.contains("assignment.extra"));
    }
}
