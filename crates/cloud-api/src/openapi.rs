//! What this client asks of a server, compared with the server's own OpenAPI document.
//!
//! [`APP_ROUTES`] lists every route the app calls, with the query parameters it sends and the model
//! it reads from the answer. [`check_document`] reads a server's `/openapi.json` (FastAPI serves one)
//! and says which of those routes or methods the server does not have, which parameters it does not
//! declare, which fields the app reads that its schemas do not declare, which it declares with a type
//! the app does not read them as ([`FIELD_TYPES`]), and the largest `limit` it takes. Findings name
//! routes, fields and types, never values.

use crate::assignments::ASSIGNMENT_SPEC;
use crate::models::*;
use crate::service_accounts::SERVICE_ACCOUNT_KEY_SPEC;
use crate::teams::{SERVICE_ACCOUNT_SPEC, TEAM_MEMBER_SPEC};
use crate::wire::ModelSpec;

/// One route the app calls.
#[derive(Debug)]
pub struct RouteUse {
    pub method: &'static str,
    /// The path template, as in OpenAPI (`/organizations/{organization_id}/members`).
    pub path: &'static str,
    /// The query parameters the app sends on it.
    pub query: &'static [&'static str],
    /// The record the app reads from a success (each item, for a list).
    pub reads: Option<&'static ModelSpec>,
}

const PAGE: &[&str] = &["offset", "limit"];

/// Holders of a role assignment, and where it applies.
const ASSIGNEE: &[&str] = &["user_id", "invitation_id", "team_id", "workspace_id", "project_id"];

/// Every route of the cloud API this app calls: the client's route table, which the doctor (`zpro
/// doctor`, Diagnostics) compares with a server's schema. A test reads the client's source and fails
/// while any route it sends is missing here, or any listed here is sent nowhere.
pub static APP_ROUTES: &[RouteUse] = &[
    RouteUse { method: "POST", path: "/auth/device_authorization", query: &[], reads: None },
    RouteUse { method: "POST", path: "/auth/login", query: &[], reads: None },
    RouteUse { method: "GET", path: "/auth/api_token", query: &[], reads: None },
    RouteUse { method: "GET", path: "/users/me", query: &[], reads: Some(&USER_SPEC) },
    RouteUse { method: "GET", path: "/users", query: &["email"], reads: Some(&USER_SPEC) },
    RouteUse { method: "GET", path: "/organizations", query: PAGE, reads: Some(&ORGANIZATION_SPEC) },
    RouteUse { method: "POST", path: "/organizations", query: &[], reads: Some(&ORGANIZATION_SPEC) },
    RouteUse { method: "GET", path: "/organizations/{id}", query: &[], reads: Some(&ORGANIZATION_SPEC) },
    RouteUse { method: "PATCH", path: "/organizations/{id}", query: &[], reads: Some(&ORGANIZATION_SPEC) },
    RouteUse {
        method: "GET",
        path: "/organizations/{id}/members",
        query: PAGE,
        reads: Some(&MEMBER_ROW_SPEC),
    },
    RouteUse { method: "DELETE", path: "/organizations/{id}/members", query: &["user_id"], reads: None },
    RouteUse {
        method: "GET",
        path: "/organizations/{id}/invitations",
        query: &["only_pending", "email", "offset", "limit"],
        reads: Some(&INVITATION_SPEC),
    },
    RouteUse {
        method: "POST",
        path: "/organizations/{id}/invitations",
        query: &[],
        reads: Some(&INVITATION_SPEC),
    },
    RouteUse { method: "DELETE", path: "/organizations/{id}/invitations/{id}", query: &[], reads: None },
    RouteUse {
        method: "GET",
        path: "/organizations/{id}/roles",
        query: &["level", "offset", "limit"],
        reads: Some(&ROLE_SPEC),
    },
    RouteUse {
        method: "GET",
        path: "/roles/{id}/assignments",
        query: &["user_id", "invitation_id", "team_id", "workspace_id", "offset", "limit"],
        reads: Some(&ASSIGNMENT_SPEC),
    },
    RouteUse { method: "POST", path: "/roles/{id}/assignments", query: ASSIGNEE, reads: None },
    RouteUse { method: "DELETE", path: "/roles/{id}/assignments", query: ASSIGNEE, reads: None },
    RouteUse { method: "GET", path: "/organizations/{id}/teams", query: PAGE, reads: Some(&TEAM_SPEC) },
    RouteUse { method: "POST", path: "/teams", query: &[], reads: Some(&TEAM_SPEC) },
    RouteUse { method: "GET", path: "/teams/{id}", query: &[], reads: Some(&TEAM_SPEC) },
    RouteUse { method: "PATCH", path: "/teams/{id}", query: &[], reads: Some(&TEAM_SPEC) },
    RouteUse { method: "DELETE", path: "/teams/{id}", query: &[], reads: None },
    RouteUse { method: "GET", path: "/teams/{id}/members", query: PAGE, reads: Some(&TEAM_MEMBER_SPEC) },
    RouteUse {
        method: "POST",
        path: "/teams/{id}/members",
        query: &["user_id", "invitation_id"],
        reads: None,
    },
    RouteUse {
        method: "DELETE",
        path: "/teams/{id}/members",
        query: &["user_id", "invitation_id"],
        reads: None,
    },
    RouteUse {
        method: "GET",
        path: "/organizations/{id}/service_accounts",
        query: PAGE,
        reads: Some(&SERVICE_ACCOUNT_SPEC),
    },
    RouteUse {
        method: "POST",
        path: "/organizations/{id}/service_accounts",
        query: &[],
        reads: Some(&SERVICE_ACCOUNT_SPEC),
    },
    RouteUse {
        method: "PATCH",
        path: "/organizations/{id}/service_accounts/{id}",
        query: &[],
        reads: Some(&SERVICE_ACCOUNT_SPEC),
    },
    RouteUse { method: "DELETE", path: "/organizations/{id}/service_accounts/{id}", query: &[], reads: None },
    RouteUse {
        method: "GET",
        path: "/organizations/{id}/service_accounts/{id}/api_keys",
        query: PAGE,
        reads: Some(&SERVICE_ACCOUNT_KEY_SPEC),
    },
    RouteUse {
        method: "POST",
        path: "/organizations/{id}/service_accounts/{id}/api_keys",
        query: &[],
        reads: Some(&SERVICE_ACCOUNT_KEY_SPEC),
    },
    RouteUse {
        method: "POST",
        path: "/organizations/{id}/service_accounts/{id}/api_keys/{id}/rotate",
        query: &[],
        reads: Some(&SERVICE_ACCOUNT_KEY_SPEC),
    },
    RouteUse {
        method: "PATCH",
        path: "/organizations/{id}/service_accounts/{id}/api_keys/{id}",
        query: &[],
        reads: Some(&SERVICE_ACCOUNT_KEY_SPEC),
    },
    RouteUse {
        method: "DELETE",
        path: "/organizations/{id}/service_accounts/{id}/api_keys/{id}",
        query: &[],
        reads: None,
    },
    RouteUse {
        method: "GET",
        path: "/workspaces",
        query: &["organization_id", "offset", "limit"],
        reads: Some(&WORKSPACE_SPEC),
    },
    RouteUse { method: "GET", path: "/workspaces/{id}", query: &[], reads: Some(&WORKSPACE_SPEC) },
    RouteUse { method: "PATCH", path: "/workspaces/{id}", query: &[], reads: Some(&WORKSPACE_SPEC) },
    RouteUse {
        method: "GET",
        path: "/workspaces/{id}/assignments",
        query: PAGE,
        reads: Some(&ASSIGNMENT_SPEC),
    },
];

/// The JSON types the app reads a field as (what its reader accepts as the field's main shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Text: names, ids, enums, URLs.
    Text,
    /// A time: ISO-8601 text, or epoch seconds or milliseconds.
    Time,
    /// A non-negative integer.
    Integer,
    Boolean,
    /// A nested record.
    Object,
    /// A nested record, or only its id.
    ObjectOrId,
    /// A list (of records, or of their ids).
    Array,
}

impl FieldType {
    /// The OpenAPI `type`s that are read as this.
    pub fn accepts(self) -> &'static [&'static str] {
        match self {
            Self::Text => &["string"],
            Self::Time => &["string", "integer", "number"],
            Self::Integer => &["integer", "number"],
            Self::Boolean => &["boolean"],
            Self::Object => &["object"],
            Self::ObjectOrId => &["object", "string"],
            Self::Array => &["array"],
        }
    }

    /// In words: `text`, `an integer`, …
    pub fn words(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Time => "a time (text or a number)",
            Self::Integer => "an integer",
            Self::Boolean => "a boolean",
            Self::Object => "an object",
            Self::ObjectOrId => "an object or an id",
            Self::Array => "a list",
        }
    }
}

/// What the app reads each field of each model as, by `model.field` (the names of
/// [`crate::wire::ModelSpec`]). A test keeps it complete: every field of every model has its type.
pub static FIELD_TYPES: &[(&str, FieldType)] = {
    use FieldType::*;
    &[
        ("user.id", Text),
        ("user.username", Text),
        ("user.email", Text),
        ("user.name", Text),
        ("user.avatar_url", Text),
        ("user.is_superuser", Boolean),
        ("user.is_service_account", Boolean),
        ("user.created", Time),
        ("user.is_active", Boolean),
        ("user.organization_id", Text),
        ("organization.id", Text),
        ("organization.name", Text),
        ("organization.description", Text),
        ("organization.created", Time),
        ("organization.updated", Time),
        ("organization.display_name", Text),
        ("organization.logo_url", Text),
        ("organization.owner", ObjectOrId),
        ("organization.has_active_subscription", Boolean),
        ("organization.trial_expiry", Time),
        ("organization.plan", Text),
        ("member_role.role_id", Text),
        ("member_role.name", Text),
        ("member_role.level", Text),
        ("member_role.via_team", Boolean),
        ("member_role.role", Object),
        ("member_row.user", Object),
        ("member_row.team", Object),
        ("member_row.invitation", Object),
        ("member_row.roles", Array),
        ("member_row.service_account", Object),
        ("role_ref.id", Text),
        ("role_ref.name", Text),
        ("role.id", Text),
        ("role.name", Text),
        ("role.description", Text),
        ("role.level", Text),
        ("role.organization_id", Text),
        ("role.system_managed", Boolean),
        ("team.id", Text),
        ("team.name", Text),
        ("team.description", Text),
        ("team.member_count", Integer),
        ("team.created", Time),
        ("team.updated", Time),
        ("zenml_service.configuration.version", Text),
        ("zenml_service.status.server_url", Text),
        ("zenml_service.status.version", Text),
        ("zenml_service.configuration", Object),
        ("zenml_service.status", Object),
        ("workspace.id", Text),
        ("workspace.name", Text),
        ("workspace.display_name", Text),
        ("workspace.description", Text),
        ("workspace.organization", Object),
        ("workspace.desired_state", Text),
        ("workspace.state_reason", Text),
        ("workspace.status", Text),
        ("workspace.zenml_service", Object),
        ("workspace.workspace_type", Text),
        ("workspace.kitaru_service", Object),
        ("kitaru_service.status", Object),
        ("kitaru_service.status.server_url", Text),
        ("invitation_role.id", Text),
        ("invitation_role.name", Text),
        ("invitation_role.level", Text),
        ("invitation_role.workspace_id", Text),
        ("invitation_role.role_id", Text),
        ("invitation_role.role", Object),
        ("team_ref.id", Text),
        ("team_ref.name", Text),
        ("invitation.id", Text),
        ("invitation.email", Text),
        ("invitation.organization_id", Text),
        ("invitation.role", ObjectOrId),
        ("invitation.inviter", Object),
        ("invitation.status", Text),
        ("invitation.created", Time),
        ("invitation.expires", Time),
        ("invitation.roles", Array),
        ("invitation.teams", Array),
        ("team_member.user", Object),
        ("team_member.invitation", Object),
        ("service_account.id", Text),
        ("service_account.name", Text),
        ("service_account.username", Text),
        ("service_account.email", Text),
        ("service_account.description", Text),
        ("service_account.active", Boolean),
        ("service_account.is_active", Boolean),
        ("service_account.last_login", Time),
        ("service_account.created", Time),
        ("service_account.api_key_count", Integer),
        ("service_account.key_count", Integer),
        ("service_account_key.id", Text),
        ("service_account_key.name", Text),
        ("service_account_key.description", Text),
        ("service_account_key.active", Boolean),
        ("service_account_key.is_active", Boolean),
        ("service_account_key.last_login", Time),
        ("service_account_key.last_used", Time),
        ("service_account_key.expires", Time),
        ("service_account_key.expires_at", Time),
        ("service_account_key.created", Time),
        ("service_account_key.retain_period_minutes", Integer),
        ("assignment.role_id", Text),
        ("assignment.role", Object),
        ("assignment.level", Text),
        ("assignment.workspace_id", Text),
        ("assignment.project_id", Text),
        ("assignment.user", Object),
        ("assignment.team", Object),
        ("assignment.invitation", Object),
    ]
};

/// The type the app reads `model.field` as, if [`FIELD_TYPES`] lists it.
pub fn field_type(name: &str) -> Option<FieldType> {
    FIELD_TYPES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

mod check;
#[cfg(test)]
mod tests;

pub use check::*;
