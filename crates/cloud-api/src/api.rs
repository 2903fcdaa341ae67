//! The API routes, one method each. Lists take a [`Page`]; `all_*` variants page through everything.

use reqwest::Method;
use uuid::Uuid;

use crate::client::{ApiClient, Call, Page};
use crate::error::Result;
use crate::models::*;
use crate::secret::AccessToken;

/// Who a role is assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    User(Uuid),
    Invitation(Uuid),
    Team(Uuid),
}

impl Assignee {
    fn query(self) -> (&'static str, String) {
        match self {
            Self::User(id) => ("user_id", id.to_string()),
            Self::Invitation(id) => ("invitation_id", id.to_string()),
            Self::Team(id) => ("team_id", id.to_string()),
        }
    }
}

/// Who joins or leaves a team.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamMember {
    User(Uuid),
    Invitation(Uuid),
}

/// Where a role assignment applies: the organization (both `None`), a workspace, or a project.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoleScope {
    pub workspace_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
}

/// Filters of `GET /organizations/{id}/invitations`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvitationFilter {
    pub only_pending: Option<bool>,
    pub email: Option<String>,
}

/// Filters of `GET /organizations/{id}/roles`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleFilter {
    pub level: Option<RoleLevel>,
    pub name: Option<String>,
}

/// Filters of `GET /workspaces`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceFilter {
    pub workspace_name: Option<String>,
    pub url: Option<String>,
    pub organization_id: Option<Uuid>,
    pub status: Option<WorkspaceStatus>,
    pub member_only: Option<bool>,
}

impl ApiClient {
    fn get<'a>(&self, token: &'a AccessToken, path: &[&str]) -> Call<'a> {
        Call::new(Method::GET, path).token(token)
    }

    // ----- users -----

    /// `GET /users/me`.
    pub async fn me(&self, token: &AccessToken) -> Result<User> {
        self.send(self.get(token, &["users", "me"])).await
    }

    /// `GET /users?email=`.
    pub async fn users_by_email(&self, token: &AccessToken, email: &str) -> Result<Vec<User>> {
        self.send(self.get(token, &["users"]).query("email", email)).await
    }

    // ----- organizations -----

    /// `GET /organizations`: one page of the organizations the caller can access.
    pub async fn list_organizations(&self, token: &AccessToken, page: Page) -> Result<Vec<Organization>> {
        self.send(self.get(token, &["organizations"]).page(page)).await
    }

    /// Every organization the caller can access.
    pub async fn all_organizations(&self, token: &AccessToken) -> Result<Vec<Organization>> {
        self.all(|p| self.list_organizations(token, p)).await
    }

    /// `GET /organizations/{id_or_name}`.
    pub async fn get_organization(&self, token: &AccessToken, id_or_name: &str) -> Result<Organization> {
        self.send(self.get(token, &["organizations", id_or_name])).await
    }

    /// `PATCH /organizations/{id}` with only the changed fields.
    pub async fn update_organization(
        &self,
        token: &AccessToken,
        id: Uuid,
        update: &OrganizationUpdate,
    ) -> Result<Organization> {
        let call = Call::new(Method::PATCH, &["organizations", &id.to_string()]).token(token).json(update)?;
        self.send(call).await
    }

    /// `POST /organizations`.
    pub async fn create_organization(
        &self,
        token: &AccessToken,
        create: &OrganizationCreate,
    ) -> Result<Organization> {
        self.send(Call::new(Method::POST, &["organizations"]).token(token).json(create)?).await
    }

    // ----- members -----

    /// `GET /organizations/{org_id}/members`: one page.
    pub async fn list_members(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        page: Page,
    ) -> Result<Vec<MemberRow>> {
        self.send(self.get(token, &["organizations", &org_id.to_string(), "members"]).page(page)).await
    }

    /// Every member row of an organization.
    pub async fn all_members(&self, token: &AccessToken, org_id: Uuid) -> Result<Vec<MemberRow>> {
        self.all(|p| self.list_members(token, org_id, p)).await
    }

    /// `DELETE /organizations/{org_id}/members?user_id=`: removes all the user's org-level roles.
    pub async fn remove_member(&self, token: &AccessToken, org_id: Uuid, user_id: Uuid) -> Result<()> {
        let call = Call::new(Method::DELETE, &["organizations", &org_id.to_string(), "members"])
            .token(token)
            .query("user_id", user_id);
        self.send_unit(call).await
    }

    // ----- invitations -----

    /// `POST /organizations/{org_id}/invitations`.
    pub async fn create_invitation(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        create: &InvitationCreate,
    ) -> Result<Invitation> {
        let call = Call::new(Method::POST, &["organizations", &org_id.to_string(), "invitations"])
            .token(token)
            .json(create)?;
        self.send(call).await
    }

    /// `GET /organizations/{org_id}/invitations`: one page.
    pub async fn list_invitations(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &InvitationFilter,
        page: Page,
    ) -> Result<Vec<Invitation>> {
        let call = self
            .get(token, &["organizations", &org_id.to_string(), "invitations"])
            .query_opt("only_pending", filter.only_pending)
            .query_opt("email", filter.email.as_deref())
            .page(page);
        self.send(call).await
    }

    /// Every invitation matching the filter.
    pub async fn all_invitations(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &InvitationFilter,
    ) -> Result<Vec<Invitation>> {
        self.all(|p| self.list_invitations(token, org_id, filter, p)).await
    }

    /// `DELETE /organizations/{org_id}/invitations/{invitation_id}`.
    pub async fn revoke_invitation(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        invitation_id: Uuid,
    ) -> Result<()> {
        let call = Call::new(
            Method::DELETE,
            &["organizations", &org_id.to_string(), "invitations", &invitation_id.to_string()],
        )
        .token(token);
        self.send_unit(call).await
    }

    // ----- roles -----

    /// `GET /organizations/{org_id}/roles`: one page.
    pub async fn list_roles(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &RoleFilter,
        page: Page,
    ) -> Result<Vec<Role>> {
        let call = self
            .get(token, &["organizations", &org_id.to_string(), "roles"])
            .query_opt("level", filter.level.map(RoleLevel::as_str))
            .query_opt("name", filter.name.as_deref())
            .page(page);
        self.send(call).await
    }

    /// Every role matching the filter.
    pub async fn all_roles(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &RoleFilter,
    ) -> Result<Vec<Role>> {
        self.all(|p| self.list_roles(token, org_id, filter, p)).await
    }

    fn assignment_call<'a>(
        &self,
        method: Method,
        token: &'a AccessToken,
        role_id: Uuid,
        who: Assignee,
        scope: RoleScope,
    ) -> Call<'a> {
        let (key, value) = who.query();
        Call::new(method, &["roles", &role_id.to_string(), "assignments"])
            .token(token)
            .query(key, value)
            .query_opt("workspace_id", scope.workspace_id)
            .query_opt("project_id", scope.project_id)
    }

    /// `POST /roles/{role_id}/assignments`. An existing assignment answers `Conflict`.
    pub async fn assign_role(
        &self,
        token: &AccessToken,
        role_id: Uuid,
        who: Assignee,
        scope: RoleScope,
    ) -> Result<()> {
        self.send_unit(self.assignment_call(Method::POST, token, role_id, who, scope)).await
    }

    /// `DELETE /roles/{role_id}/assignments`.
    pub async fn revoke_role(
        &self,
        token: &AccessToken,
        role_id: Uuid,
        who: Assignee,
        scope: RoleScope,
    ) -> Result<()> {
        self.send_unit(self.assignment_call(Method::DELETE, token, role_id, who, scope)).await
    }

    // ----- teams -----

    /// `GET /organizations/{org_id}/teams`: one page.
    pub async fn list_teams(&self, token: &AccessToken, org_id: Uuid, page: Page) -> Result<Vec<Team>> {
        self.send(self.get(token, &["organizations", &org_id.to_string(), "teams"]).page(page)).await
    }

    /// Every team of an organization.
    pub async fn all_teams(&self, token: &AccessToken, org_id: Uuid) -> Result<Vec<Team>> {
        self.all(|p| self.list_teams(token, org_id, p)).await
    }

    fn team_member_call<'a>(
        &self,
        method: Method,
        token: &'a AccessToken,
        team_id: Uuid,
        who: TeamMember,
    ) -> Call<'a> {
        let call = Call::new(method, &["teams", &team_id.to_string(), "members"]).token(token);
        match who {
            TeamMember::User(id) => call.query("user_id", id),
            TeamMember::Invitation(id) => call.query("invitation_id", id),
        }
    }

    /// `POST /teams/{team_id}/members`. An existing member answers `Conflict`.
    pub async fn add_team_member(&self, token: &AccessToken, team_id: Uuid, who: TeamMember) -> Result<()> {
        self.send_unit(self.team_member_call(Method::POST, token, team_id, who)).await
    }

    /// `DELETE /teams/{team_id}/members`.
    pub async fn remove_team_member(
        &self,
        token: &AccessToken,
        team_id: Uuid,
        who: TeamMember,
    ) -> Result<()> {
        self.send_unit(self.team_member_call(Method::DELETE, token, team_id, who)).await
    }

    // ----- service accounts (read-only until the shape is confirmed) -----

    /// `GET /organizations/{org_id}/service_accounts`: one page.
    pub async fn list_service_accounts(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        page: Page,
    ) -> Result<Vec<User>> {
        self.send(self.get(token, &["organizations", &org_id.to_string(), "service_accounts"]).page(page))
            .await
    }

    // ----- workspaces -----

    /// `GET /workspaces`: one page, filtered.
    pub async fn list_workspaces(
        &self,
        token: &AccessToken,
        filter: &WorkspaceFilter,
        page: Page,
    ) -> Result<Vec<Workspace>> {
        let call = self
            .get(token, &["workspaces"])
            .query_opt("workspace_name", filter.workspace_name.as_deref())
            .query_opt("url", filter.url.as_deref())
            .query_opt("organization_id", filter.organization_id)
            .query_opt("status", filter.status.map(WorkspaceStatus::as_str))
            .query_opt("member_only", filter.member_only)
            .page(page);
        self.send(call).await
    }

    /// Every workspace matching the filter.
    pub async fn all_workspaces(
        &self,
        token: &AccessToken,
        filter: &WorkspaceFilter,
    ) -> Result<Vec<Workspace>> {
        self.all(|p| self.list_workspaces(token, filter, p)).await
    }

    /// `GET /workspaces/{name_or_id}`.
    pub async fn get_workspace(&self, token: &AccessToken, name_or_id: &str) -> Result<Workspace> {
        self.send(self.get(token, &["workspaces", name_or_id])).await
    }

    /// `PATCH /workspaces/{id}` with only the changed fields. A state change leaves the workspace
    /// `pending`; poll [`get_workspace`](Self::get_workspace) until it is not.
    pub async fn update_workspace(
        &self,
        token: &AccessToken,
        id: Uuid,
        update: &WorkspaceUpdate,
    ) -> Result<Workspace> {
        let call = Call::new(Method::PATCH, &["workspaces", &id.to_string()]).token(token).json(update)?;
        self.send(call).await
    }
}
