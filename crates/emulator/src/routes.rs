//! The one table of API routes. It builds the axum router (method, path, handler) and the paths of the
//! OpenAPI document (parameters, bodies, response schemas), so the two cannot disagree: a route served
//! is a route documented. [`crate::error::Params`] checks, in debug builds, that a handler reads only the
//! query parameters its route declares here. Control routes (`/_emulator/…`) are not API routes and are
//! wired in `lib.rs` instead.

use std::sync::Arc;

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};

use crate::model::{DESIRED_STATES, WORKSPACE_STATUSES};
use crate::{handlers, openapi, AppState};

/// The type of a query parameter or body field, as the document declares it.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    Str,
    Uuid,
    Email,
    Bool,
    /// A whole number, 1 or more for `expires_in_minutes`, 0 or more for `retain_period_minutes`.
    Int,
    Enum(&'static [&'static str]),
    UuidList,
}

/// A declared query parameter or body field.
#[derive(Clone, Copy, Debug)]
pub struct QueryParam {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub description: &'static str,
}

const fn opt(name: &'static str, ty: Ty, description: &'static str) -> QueryParam {
    QueryParam { name, ty, required: false, description }
}

const fn req(name: &'static str, ty: Ty, description: &'static str) -> QueryParam {
    QueryParam { name, ty, required: true, description }
}

/// A request body.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Json(&'static [QueryParam]),
    Form(&'static [QueryParam]),
}

/// What a route answers with 200.
#[derive(Clone, Copy, Debug)]
pub enum Returns {
    /// One object of the named component schema.
    One(&'static str),
    /// A bare array of the named component schema.
    List(&'static str),
    /// `null` (operations that return no resource).
    Null,
    /// An HTML page.
    Html,
    /// A bare JSON string.
    Text,
    /// The OpenAPI document itself.
    Document,
}

/// Everything the document says about one route.
#[derive(Clone, Debug)]
pub struct RouteDoc {
    pub method: Method,
    /// The path template, in the syntax axum and OpenAPI share (`/organizations/{org_id}`).
    pub path: &'static str,
    pub operation_id: &'static str,
    pub summary: &'static str,
    /// Needs a bearer token.
    pub auth: bool,
    /// A list route: takes `offset` and `limit`, answers a bare array; paging faults apply.
    pub list: bool,
    pub query: &'static [QueryParam],
    pub body: Body,
    pub returns: Returns,
}

pub struct Route {
    pub doc: RouteDoc,
    pub handler: MethodRouter<Arc<AppState>>,
}

fn route<H, T>(method: Method, path: &'static str, operation_id: &'static str, handler: H) -> Route
where
    H: Handler<T, Arc<AppState>>,
    T: 'static,
{
    // Every method of the table is a standard one, which always has a filter.
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    Route {
        doc: RouteDoc {
            method,
            path,
            operation_id,
            summary: "",
            auth: true,
            list: false,
            query: &[],
            body: Body::None,
            returns: Returns::Null,
        },
        handler: on(filter, handler),
    }
}

impl Route {
    fn summary(mut self, summary: &'static str) -> Self {
        self.doc.summary = summary;
        self
    }
    fn public(mut self) -> Self {
        self.doc.auth = false;
        self
    }
    fn list(mut self, component: &'static str) -> Self {
        self.doc.list = true;
        self.doc.returns = Returns::List(component);
        self
    }
    fn returns(mut self, returns: Returns) -> Self {
        self.doc.returns = returns;
        self
    }
    fn query(mut self, query: &'static [QueryParam]) -> Self {
        self.doc.query = query;
        self
    }
    fn body(mut self, body: Body) -> Self {
        self.doc.body = body;
        self
    }
}

const LEVELS: &[&str] = &["organization", "workspace", "project"];

const ASSIGNMENT_QUERY: &[QueryParam] = &[
    opt("user_id", Ty::Uuid, "The user to assign the role to (one of user_id, invitation_id, team_id)"),
    opt("invitation_id", Ty::Uuid, "The invitation to assign the role to"),
    opt("team_id", Ty::Uuid, "The team to assign the role to"),
    opt("workspace_id", Ty::Uuid, "Scope of a workspace- or project-level role"),
    opt("project_id", Ty::Uuid, "Scope of a project-level role"),
];

/// The body of a service account's or key's PATCH.
const ACTIVE_BODY: &[QueryParam] =
    &[opt("active", Ty::Bool, "false deactivates, true activates again"), opt("description", Ty::Str, "")];

const TEAM_MEMBER_QUERY: &[QueryParam] = &[
    opt("user_id", Ty::Uuid, "The user to add or remove (one of user_id, invitation_id)"),
    opt("invitation_id", Ty::Uuid, "The invitation to add or remove"),
];

/// Every API route, in the order the document lists them.
pub fn table() -> Vec<Route> {
    use Method as M;
    vec![
        route(
            M::POST,
            "/auth/device_authorization",
            "device_authorization",
            handlers::auth::device_authorization,
        )
        .summary("Start a device login")
        .public()
        .body(Body::Form(
            const {
                &[
                    req("client_id", Ty::Uuid, "Stable id of the client installation"),
                    opt("device_id", Ty::Uuid, "Device id from an earlier login, to reuse the device"),
                ]
            },
        ))
        .returns(Returns::One("DeviceAuthorization")),
        route(M::POST, "/auth/login", "login", handlers::auth::login)
            .summary("Exchange a device code, an API key or a username and password for a token")
            .public()
            .body(Body::Form(
                const {
                    &[
                        opt(
                            "grant_type",
                            Ty::Str,
                            "urn:ietf:params:oauth:grant-type:device_code or zenml_api_key",
                        ),
                        opt("client_id", Ty::Uuid, "Device grant: the client id"),
                        opt("device_code", Ty::Str, "Device grant: the device code"),
                        opt("username", Ty::Str, "Username or email, with password"),
                        opt("password", Ty::Str, "The password, or the API key"),
                    ]
                },
            ))
            .returns(Returns::One("TokenResponse")),
        route(M::GET, "/auth/api_token", "api_token", handlers::auth::api_token)
            .summary("Exchange the caller's token for a one-hour automation token (a bare JSON string)")
            .returns(Returns::Text),
        route(M::GET, "/devices/verify", "verify_page", handlers::auth::verify_page)
            .summary("The page that approves or denies a device login")
            .public()
            .query(const { &[opt("user_code", Ty::Str, "The code the device shows")] })
            .returns(Returns::Html),
        route(M::POST, "/devices/verify", "verify_submit", handlers::auth::verify_submit)
            .summary("Approve or deny a device login")
            .public()
            .body(Body::Form(
                const {
                    &[
                        req("user_code", Ty::Str, "The code the device shows"),
                        req("action", Ty::Enum(&["approve", "deny"]), "What to do"),
                    ]
                },
            ))
            .returns(Returns::Html),
        route(M::GET, "/users/me", "get_current_user", handlers::users::me)
            .summary("The signed-in user")
            .returns(Returns::One("User")),
        route(M::GET, "/users", "list_users", handlers::users::list_users)
            .summary("Users, by email")
            .query(const { &[opt("email", Ty::Email, "Only the user with this email (any case)")] })
            .list("User"),
        route(M::GET, "/organizations", "list_organizations", handlers::organizations::list_orgs)
            .summary("Organizations the caller belongs to")
            .list("Organization"),
        route(M::POST, "/organizations", "create_organization", handlers::organizations::create_org)
            .summary("Create an organization; the caller becomes its Organization Admin")
            .body(Body::Json(
                const {
                    &[
                        req("name", Ty::Str, "1 to 50 letters, digits, spaces, '_' and '-'"),
                        opt("description", Ty::Str, ""),
                    ]
                },
            ))
            .returns(Returns::One("Organization")),
        route(M::GET, "/organizations/{id_or_name}", "get_organization", handlers::organizations::get_org)
            .summary("One organization, by id or name")
            .returns(Returns::One("Organization")),
        route(
            M::PATCH,
            "/organizations/{id_or_name}",
            "update_organization",
            handlers::organizations::update_org,
        )
        .summary("Change an organization (partial; the path takes its id)")
        .body(Body::Json(
            const {
                &[
                    opt("name", Ty::Str, ""),
                    opt("description", Ty::Str, ""),
                    opt("display_name", Ty::Str, ""),
                    opt("logo_url", Ty::Str, ""),
                ]
            },
        ))
        .returns(Returns::One("Organization")),
        route(M::GET, "/organizations/{org_id}/members", "list_members", handlers::members::list_members)
            .summary("Member rows: users, teams, pending invitations")
            .list("MemberRow"),
        route(
            M::DELETE,
            "/organizations/{org_id}/members",
            "remove_member",
            handlers::members::remove_member,
        )
        .summary("Remove every organization-level role of a user")
        .query(const { &[req("user_id", Ty::Uuid, "The user to remove")] }),
        route(
            M::GET,
            "/organizations/{org_id}/invitations",
            "list_invitations",
            handlers::invitations::list_invitations,
        )
        .summary("Invitations of the organization")
        .query(
            const {
                &[
                    opt("only_pending", Ty::Bool, "Only pending invitations"),
                    opt("email", Ty::Email, "Only invitations for this email (any case)"),
                ]
            },
        )
        .list("Invitation"),
        route(
            M::POST,
            "/organizations/{org_id}/invitations",
            "create_invitation",
            handlers::invitations::create_invitation,
        )
        .summary("Invite someone with an organization-level role")
        .body(Body::Json(
            const {
                &[
                    req("email", Ty::Email, ""),
                    opt("role_id", Ty::Uuid, "An organization-level role of the organization"),
                    opt(
                        "roles",
                        Ty::UuidList,
                        "Role ids; the first organization-level one is the invitation's role",
                    ),
                ]
            },
        ))
        .returns(Returns::One("Invitation")),
        route(
            M::DELETE,
            "/organizations/{org_id}/invitations/{invitation_id}",
            "revoke_invitation",
            handlers::invitations::revoke_invitation,
        )
        .summary("Revoke an invitation")
        .returns(Returns::One("Invitation")),
        route(M::GET, "/organizations/{org_id}/roles", "list_roles", handlers::roles::list_roles)
            .summary("Roles of the organization")
            .query(
                const {
                    &[
                        opt("level", Ty::Enum(LEVELS), "Only roles of this level"),
                        opt("name", Ty::Str, "Only the role with this name"),
                    ]
                },
            )
            .list("Role"),
        route(M::GET, "/organizations/{org_id}/teams", "list_teams", handlers::teams::list_teams)
            .summary("Teams of the organization")
            .list("Team"),
        route(
            M::GET,
            "/organizations/{org_id}/service_accounts",
            "list_service_accounts",
            handlers::service_accounts::list_service_accounts,
        )
        .summary("Service accounts of the organization: created in it or holding a role in it")
        .list("ServiceAccount"),
        route(
            M::POST,
            "/organizations/{org_id}/service_accounts",
            "create_service_account",
            handlers::service_accounts::create_service_account,
        )
        .summary("Create a service account (no role yet); 409 when the username is taken")
        .body(Body::Json(
            const {
                &[
                    req("username", Ty::Str, "1 to 50 letters, digits, '-', '_' and '.'"),
                    opt("description", Ty::Str, ""),
                ]
            },
        ))
        .returns(Returns::One("ServiceAccount")),
        route(
            M::PATCH,
            "/organizations/{org_id}/service_accounts/{name_or_id}",
            "update_service_account",
            handlers::service_accounts::update_service_account,
        )
        .summary("Activate or deactivate a service account, or change its description (partial)")
        .body(Body::Json(ACTIVE_BODY))
        .returns(Returns::One("ServiceAccount")),
        route(
            M::DELETE,
            "/organizations/{org_id}/service_accounts/{name_or_id}",
            "delete_service_account",
            handlers::service_accounts::delete_service_account,
        )
        .summary("Delete a service account with its roles, team memberships and keys"),
        route(
            M::GET,
            "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys",
            "list_api_keys",
            handlers::service_accounts::list_api_keys,
        )
        .summary("A service account's API keys, without their secrets")
        .list("ApiKey"),
        route(
            M::POST,
            "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys",
            "create_api_key",
            handlers::service_accounts::create_api_key,
        )
        .summary("Create an API key; its secret is in `key`, served this once")
        .body(Body::Json(
            const {
                &[
                    req("name", Ty::Str, "1 to 100 characters, unique for the account (any case)"),
                    opt("description", Ty::Str, ""),
                    opt("expires_in_minutes", Ty::Int, "Minutes until the key expires; none: never"),
                ]
            },
        ))
        .returns(Returns::One("ApiKey")),
        route(
            M::POST,
            "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys/{key_name_or_id}/rotate",
            "rotate_api_key",
            handlers::service_accounts::rotate_api_key,
        )
        .summary("Rotate an API key: a new secret in `key`; the old one works for the retention period")
        .body(Body::Json(
            const {
                &[opt(
                    "retain_period_minutes",
                    Ty::Int,
                    "Minutes the old secret keeps working; none or 0: it stops at once",
                )]
            },
        ))
        .returns(Returns::One("ApiKey")),
        route(
            M::PATCH,
            "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys/{key_name_or_id}",
            "update_api_key",
            handlers::service_accounts::update_api_key,
        )
        .summary("Activate or deactivate an API key, or change its description (partial)")
        .body(Body::Json(ACTIVE_BODY))
        .returns(Returns::One("ApiKey")),
        route(
            M::DELETE,
            "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys/{key_name_or_id}",
            "delete_api_key",
            handlers::service_accounts::delete_api_key,
        )
        .summary("Delete an API key"),
        route(M::POST, "/roles/{role_id}/assignments", "assign_role", handlers::roles::assign_role)
            .summary("Assign a role")
            .query(ASSIGNMENT_QUERY),
        route(M::DELETE, "/roles/{role_id}/assignments", "revoke_role", handlers::roles::revoke_role)
            .summary("Revoke a role assignment")
            .query(ASSIGNMENT_QUERY),
        route(M::POST, "/teams", "create_team", handlers::teams::create_team)
            .summary("Create a team in an organization")
            .body(Body::Json(
                const {
                    &[
                        req("name", Ty::Str, "1 to 100 characters, unique in the organization (any case)"),
                        opt("description", Ty::Str, ""),
                        req("organization_id", Ty::Uuid, "The organization the team belongs to"),
                    ]
                },
            ))
            .returns(Returns::One("Team")),
        route(M::GET, "/teams/{team_id}", "get_team", handlers::teams::get_team)
            .summary("One team")
            .returns(Returns::One("Team")),
        route(M::PATCH, "/teams/{team_id}", "update_team", handlers::teams::update_team)
            .summary("Rename or re-describe a team (partial)")
            .body(Body::Json(const { &[opt("name", Ty::Str, ""), opt("description", Ty::Str, "")] }))
            .returns(Returns::One("Team")),
        route(M::DELETE, "/teams/{team_id}", "delete_team", handlers::teams::delete_team)
            .summary("Delete a team; its members lose the roles it granted"),
        route(M::GET, "/teams/{team_id}/members", "list_team_members", handlers::teams::list_team_members)
            .summary("The users and invitations in a team")
            .list("TeamMember"),
        route(M::POST, "/teams/{team_id}/members", "add_team_member", handlers::teams::add_team_member)
            .summary("Add a user or an invitation to a team")
            .query(TEAM_MEMBER_QUERY),
        route(
            M::DELETE,
            "/teams/{team_id}/members",
            "remove_team_member",
            handlers::teams::remove_team_member,
        )
        .summary("Remove a user or an invitation from a team")
        .query(TEAM_MEMBER_QUERY),
        route(M::GET, "/workspaces", "list_workspaces", handlers::workspaces::list_workspaces)
            .summary("Workspaces the caller can see")
            .query(
                const {
                    &[
                        opt("workspace_name", Ty::Str, "Only the workspace with this name"),
                        opt("url", Ty::Str, "Only the workspace with this server URL"),
                        opt("organization_id", Ty::Uuid, "Only workspaces of this organization"),
                        opt("status", Ty::Enum(WORKSPACE_STATUSES), "Only workspaces in this status"),
                        opt("member_only", Ty::Bool, "Only workspaces the caller can connect to"),
                    ]
                },
            )
            .list("Workspace"),
        route(M::GET, "/workspaces/{name_or_id}", "get_workspace", handlers::workspaces::get_workspace)
            .summary("One workspace, by name or id")
            .returns(Returns::One("Workspace")),
        route(
            M::PATCH,
            "/workspaces/{name_or_id}",
            "update_workspace",
            handlers::workspaces::update_workspace,
        )
        .summary("Change a workspace (partial; the path takes its id)")
        .body(Body::Json(
            const {
                &[
                    opt("name", Ty::Str, "Rename: 1 to 50 lowercase letters, digits and '-'"),
                    opt("desired_state", Ty::Enum(DESIRED_STATES), ""),
                    opt("description", Ty::Str, ""),
                    opt("display_name", Ty::Str, ""),
                ]
            },
        ))
        .returns(Returns::One("Workspace")),
        route(
            M::GET,
            "/workspaces/{name_or_id}/assignments",
            "list_workspace_assignments",
            handlers::roles::workspace_assignments,
        )
        .summary("Roles held on a workspace: by users, teams and pending invitations")
        .list("Assignment"),
        route(
            M::GET,
            "/roles/{role_id}/assignments",
            "list_role_assignments",
            handlers::roles::role_assignments,
        )
        .summary("Who holds a role, and where")
        .query(
            const {
                &[
                    opt("workspace_id", Ty::Uuid, "Only assignments on this workspace"),
                    opt("user_id", Ty::Uuid, "Only this user's assignments"),
                    opt("team_id", Ty::Uuid, "Only this team's assignments"),
                    opt("invitation_id", Ty::Uuid, "Only this invitation's assignments"),
                ]
            },
        )
        .list("Assignment"),
        route(M::GET, "/openapi.json", "openapi", openapi::serve)
            .summary("This document")
            .public()
            .returns(Returns::Document),
    ]
}
