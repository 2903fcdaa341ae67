//! The API routes, one method each. Lists take a [`Page`]; `all_*` variants page through everything.
//! Lists come back as a [`Listing`]: the rows that could be read and notes on what could not (see
//! [`crate::wire`]); single records are read as tolerantly, their notes logged.

use reqwest::Method;
use uuid::Uuid;

use crate::client::{ApiClient, Call, Page};
use crate::error::Result;
use crate::models::*;
use crate::secret::AccessToken;
use crate::wire::{Listing, ReadNotes, Wire};

/// Who a role is assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    User(Uuid),
    Invitation(Uuid),
    Team(Uuid),
}

impl Assignee {
    pub(crate) fn query(self) -> (&'static str, String) {
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

/// Filters of `GET /organizations/{id}/invitations`. `only_pending` is always sent: the server's
/// default is not known (section 6 of the contract).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvitationFilter {
    pub only_pending: bool,
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

    /// Sends a call and reads one record; what reading noticed is logged (names only).
    async fn record<T: Wire>(&self, call: Call<'_>) -> Result<T> {
        let (value, notes) = self.send_wire::<T>(call).await?;
        if !notes.is_clean() {
            tracing::debug!(model = T::spec().name, mistyped = ?notes.mistyped, "fields read as absent");
        }
        Ok(value)
    }

    /// `GET` of one record at `path`, with what reading it noticed (for diagnostics).
    pub async fn read_noted<T: Wire>(
        &self,
        token: &AccessToken,
        path: &[&str],
        query: &[(&'static str, String)],
    ) -> Result<(T, ReadNotes)> {
        let mut call = self.get(token, path);
        for (k, v) in query {
            call = call.query(k, v);
        }
        self.send_wire(call).await
    }

    // ----- users -----

    /// `GET /users/me`.
    pub async fn me(&self, token: &AccessToken) -> Result<User> {
        self.record(self.get(token, &["users", "me"])).await
    }

    /// `GET /users?email=`.
    pub async fn users_by_email(&self, token: &AccessToken, email: &str) -> Result<Listing<User>> {
        self.page(self.get(token, &["users"]).query("email", email)).await
    }

    // ----- organizations -----

    /// `GET /organizations`: one page of the organizations the caller can access.
    pub async fn list_organizations(&self, token: &AccessToken, page: Page) -> Result<Listing<Organization>> {
        self.page(self.get(token, &["organizations"]).page(page)).await
    }

    /// Every organization the caller can access.
    pub async fn all_organizations(&self, token: &AccessToken) -> Result<Listing<Organization>> {
        self.all(|p| self.get(token, &["organizations"]).page(p)).await
    }

    /// `GET /organizations/{id_or_name}`.
    pub async fn get_organization(&self, token: &AccessToken, id_or_name: &str) -> Result<Organization> {
        self.record(self.get(token, &["organizations", id_or_name])).await
    }

    /// `PATCH /organizations/{id}` with only the changed fields.
    pub async fn update_organization(
        &self,
        token: &AccessToken,
        id: Uuid,
        update: &OrganizationUpdate,
    ) -> Result<Organization> {
        let call = Call::new(Method::PATCH, &["organizations", &id.to_string()]).token(token).json(update)?;
        self.record(call).await
    }

    /// `POST /organizations`.
    pub async fn create_organization(
        &self,
        token: &AccessToken,
        create: &OrganizationCreate,
    ) -> Result<Organization> {
        self.record(Call::new(Method::POST, &["organizations"]).token(token).json(create)?).await
    }

    // ----- members -----

    /// `GET /organizations/{org_id}/members`: one page.
    pub async fn list_members(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        page: Page,
    ) -> Result<Listing<MemberRow>> {
        self.page(self.get(token, &["organizations", &org_id.to_string(), "members"]).page(page)).await
    }

    /// Every member row of an organization.
    pub async fn all_members(&self, token: &AccessToken, org_id: Uuid) -> Result<Listing<MemberRow>> {
        let org = org_id.to_string();
        self.all(|p| self.get(token, &["organizations", &org, "members"]).page(p)).await
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
        self.record(call).await
    }

    fn invitations_call<'a>(
        &self,
        token: &'a AccessToken,
        org: &str,
        filter: &InvitationFilter,
        page: Page,
    ) -> Call<'a> {
        self.get(token, &["organizations", org, "invitations"])
            .query("only_pending", filter.only_pending)
            .query_opt("email", filter.email.as_deref())
            .page(page)
    }

    /// `GET /organizations/{org_id}/invitations`: one page.
    pub async fn list_invitations(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &InvitationFilter,
        page: Page,
    ) -> Result<Listing<Invitation>> {
        self.page(self.invitations_call(token, &org_id.to_string(), filter, page)).await
    }

    /// Every invitation matching the filter.
    pub async fn all_invitations(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &InvitationFilter,
    ) -> Result<Listing<Invitation>> {
        let org = org_id.to_string();
        self.all(|p| self.invitations_call(token, &org, filter, p)).await
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

    fn roles_call<'a>(&self, token: &'a AccessToken, org: &str, filter: &RoleFilter, page: Page) -> Call<'a> {
        self.get(token, &["organizations", org, "roles"])
            .query_opt("level", filter.level.map(RoleLevel::as_str))
            .query_opt("name", filter.name.as_deref())
            .page(page)
    }

    /// `GET /organizations/{org_id}/roles`: one page.
    pub async fn list_roles(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &RoleFilter,
        page: Page,
    ) -> Result<Listing<Role>> {
        self.page(self.roles_call(token, &org_id.to_string(), filter, page)).await
    }

    /// Every role matching the filter.
    pub async fn all_roles(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        filter: &RoleFilter,
    ) -> Result<Listing<Role>> {
        let org = org_id.to_string();
        self.all(|p| self.roles_call(token, &org, filter, p)).await
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
    pub async fn list_teams(&self, token: &AccessToken, org_id: Uuid, page: Page) -> Result<Listing<Team>> {
        self.page(self.get(token, &["organizations", &org_id.to_string(), "teams"]).page(page)).await
    }

    /// Every team of an organization.
    pub async fn all_teams(&self, token: &AccessToken, org_id: Uuid) -> Result<Listing<Team>> {
        let org = org_id.to_string();
        self.all(|p| self.get(token, &["organizations", &org, "teams"]).page(p)).await
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
    ) -> Result<Listing<User>> {
        self.page(self.get(token, &["organizations", &org_id.to_string(), "service_accounts"]).page(page))
            .await
    }

    // ----- workspaces -----

    fn workspaces_call<'a>(&self, token: &'a AccessToken, filter: &WorkspaceFilter, page: Page) -> Call<'a> {
        self.get(token, &["workspaces"])
            .query_opt("workspace_name", filter.workspace_name.as_deref())
            .query_opt("url", filter.url.as_deref())
            .query_opt("organization_id", filter.organization_id)
            .query_opt("status", filter.status.map(WorkspaceStatus::as_str))
            .query_opt("member_only", filter.member_only)
            .page(page)
    }

    /// `GET /workspaces`: one page, filtered.
    pub async fn list_workspaces(
        &self,
        token: &AccessToken,
        filter: &WorkspaceFilter,
        page: Page,
    ) -> Result<Listing<Workspace>> {
        self.page(self.workspaces_call(token, filter, page)).await
    }

    /// Every workspace matching the filter.
    pub async fn all_workspaces(
        &self,
        token: &AccessToken,
        filter: &WorkspaceFilter,
    ) -> Result<Listing<Workspace>> {
        self.all(|p| self.workspaces_call(token, filter, p)).await
    }

    /// `GET /workspaces/{name_or_id}`.
    pub async fn get_workspace(&self, token: &AccessToken, name_or_id: &str) -> Result<Workspace> {
        self.record(self.get(token, &["workspaces", name_or_id])).await
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
        self.record(call).await
    }
}
