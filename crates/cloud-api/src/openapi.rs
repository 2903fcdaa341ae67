//! What this client asks of a server, compared with the server's own OpenAPI document.
//!
//! [`APP_ROUTES`] lists every route the app calls, with the query parameters it sends and the model
//! it reads from the answer. [`check_document`] reads a server's `/openapi.json` (FastAPI serves one)
//! and says which of those routes or methods the server does not have, which parameters it does not
//! declare, which fields the app reads that its schemas do not declare, which it declares with a type
//! the app does not read them as ([`FIELD_TYPES`]), and the largest `limit` it takes. Findings name
//! routes, fields and types, never values.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

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

/// What kind of difference a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The document has no such path.
    MissingRoute,
    /// The path is there but not with this method.
    MissingMethod,
    /// A query parameter the app sends is not declared.
    UndeclaredParameter,
    /// A field the app reads is not in the schema of the answer.
    UndeclaredField,
    /// A field the app reads is declared with a type the app does not read it as.
    MistypedField,
}

/// One difference between what the app asks and what the document declares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// `GET /organizations/{id}/members`.
    pub route: String,
    /// The parameter or field (`member_role.name`), empty for a route.
    pub name: String,
    /// For a mistyped field: what the app reads it as and what the server declares, in words
    /// (`read as an integer; declared as string`); empty otherwise.
    pub detail: String,
}

/// What [`check_document`] found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DocumentCheck {
    /// Routes of [`APP_ROUTES`] looked for.
    pub routes_checked: usize,
    pub findings: Vec<Finding>,
    /// The smallest `maximum` declared for `limit` on the list routes the app pages through.
    pub limit_max: Option<u64>,
}

/// Compares a server's OpenAPI document with [`APP_ROUTES`]. `base_path` is the path of the API's
/// base URL (`/api/v1` for a self-hosted control plane, empty for the SaaS one): a document whose
/// paths carry it is matched too.
pub fn check_document(doc: &Value, base_path: &str) -> DocumentCheck {
    let empty = serde_json::Map::new();
    let paths = doc.get("paths").and_then(Value::as_object).unwrap_or(&empty);
    let base = base_path.trim_end_matches('/');
    // Templates with every `{name}` made `{}`, so parameter names do not matter.
    let by_shape: Vec<(String, &Value)> = paths
        .iter()
        .map(|(p, item)| {
            let p = if !base.is_empty() && p.starts_with(base) { &p[base.len()..] } else { p.as_str() };
            (shape(p), item)
        })
        .collect();
    let mut findings = BTreeSet::new();
    let mut limit_max: Option<u64> = None;
    for route in APP_ROUTES {
        let label = format!("{} {}", route.method, route.path);
        let Some((_, item)) = by_shape.iter().find(|(s, _)| *s == shape(route.path)) else {
            findings.insert(Finding {
                kind: FindingKind::MissingRoute,
                route: label,
                name: String::new(),
                detail: String::new(),
            });
            continue;
        };
        let Some(op) = item.get(route.method.to_ascii_lowercase()) else {
            findings.insert(Finding {
                kind: FindingKind::MissingMethod,
                route: label,
                name: String::new(),
                detail: String::new(),
            });
            continue;
        };
        let params = declared_query(doc, item, op);
        for q in route.query {
            if !params.iter().any(|(name, _)| name == q) {
                findings.insert(Finding {
                    kind: FindingKind::UndeclaredParameter,
                    route: label.clone(),
                    name: (*q).to_owned(),
                    detail: String::new(),
                });
            }
        }
        if route.method == "GET" && route.query.contains(&"limit") {
            if let Some(max) = params.iter().find(|(n, _)| n == "limit").and_then(|(_, s)| maximum(doc, s)) {
                limit_max = Some(limit_max.map_or(max, |m| m.min(max)));
            }
        }
        if let (Some(spec), Some(schema)) = (route.reads, success_schema(op)) {
            let mut seen = HashSet::new();
            compare(doc, spec, schema, &label, &mut findings, &mut seen);
        }
    }
    // A field missing (or mistyped) in one route's schema is usually so in every route serving the
    // model: one finding per field is enough.
    let mut fields_seen = HashSet::new();
    let findings = findings
        .into_iter()
        .filter(|f| {
            !matches!(f.kind, FindingKind::UndeclaredField | FindingKind::MistypedField)
                || fields_seen.insert((f.kind, f.name.clone()))
        })
        .collect();
    DocumentCheck { routes_checked: APP_ROUTES.len(), findings, limit_max }
}

fn shape(path: &str) -> String {
    path.trim_end_matches('/')
        .split('/')
        .map(|seg| if seg.starts_with('{') && seg.ends_with('}') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Follows `$ref` (local ones only) up to a small depth.
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let Some(pointer) = r.strip_prefix('#') else {
            return v;
        };
        match doc.pointer(pointer) {
            Some(target) => v = target,
            None => return v,
        }
    }
    v
}

/// The query parameters an operation declares (its own and its path's), with their schemas.
fn declared_query<'a>(doc: &'a Value, item: &'a Value, op: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    for list in [item.get("parameters"), op.get("parameters")].into_iter().flatten() {
        for p in list.as_array().into_iter().flatten() {
            let p = resolve(doc, p);
            if p.get("in").and_then(Value::as_str) == Some("query") {
                if let Some(name) = p.get("name").and_then(Value::as_str) {
                    out.push((name.to_owned(), p.get("schema").unwrap_or(&Value::Null)));
                }
            }
        }
    }
    out
}

/// The `maximum` of a parameter's schema, looking through `anyOf`/`oneOf`/`allOf`.
fn maximum(doc: &Value, schema: &Value) -> Option<u64> {
    let schema = resolve(doc, schema);
    if let Some(m) = schema.get("maximum").and_then(Value::as_f64) {
        return (m >= 1.0).then_some(m as u64);
    }
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| schema.get(*k)?.as_array())
        .flatten()
        .filter_map(|s| maximum(doc, s))
        .min()
}

/// The JSON schema of an operation's first 2xx answer.
fn success_schema(op: &Value) -> Option<&Value> {
    let responses = op.get("responses")?.as_object()?;
    let (_, ok) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    ok.get("content")?.get("application/json")?.get("schema")
}

/// The properties an object schema declares: its own, and those of every alternative it may be
/// (`anyOf`, `oneOf`, `allOf`), and of the items of an array. `None` when the schema says nothing
/// about properties (a free-form object): nothing can be called undeclared then.
fn properties<'a>(doc: &'a Value, schema: &'a Value, depth: usize) -> Option<Vec<(&'a str, &'a Value)>> {
    if depth > 12 {
        return None;
    }
    let schema = resolve(doc, schema);
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        return properties(doc, schema.get("items")?, depth + 1);
    }
    let mut out: Option<Vec<(&str, &Value)>> = None;
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.get_or_insert_with(Vec::new).extend(props.iter().map(|(k, v)| (k.as_str(), v)));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for alt in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(p) = properties(doc, alt, depth + 1) {
                out.get_or_insert_with(Vec::new).extend(p);
            }
        }
    }
    out
}

/// The JSON types a schema declares (`null` left out), through `$ref`, `anyOf`, `oneOf` and `allOf`;
/// a schema with `properties` or `items` and no `type` is an object or an array. `None` when it
/// declares none (any value): nothing can be called mistyped then.
fn declared_types(doc: &Value, schema: &Value) -> Option<BTreeSet<String>> {
    let mut types = types_of(doc, schema, 0)?;
    types.remove("null");
    (!types.is_empty()).then_some(types)
}

/// The types a schema declares, `null` included; `None` when it may be anything.
fn types_of(doc: &Value, schema: &Value, depth: usize) -> Option<BTreeSet<String>> {
    if depth > 12 {
        return None;
    }
    let schema = resolve(doc, schema);
    let mut out = BTreeSet::new();
    match schema.get("type") {
        Some(Value::String(t)) => {
            out.insert(t.clone());
        }
        Some(Value::Array(ts)) => out.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned)),
        _ => {
            if schema.get("properties").is_some() {
                out.insert("object".to_owned());
            } else if schema.get("items").is_some() {
                out.insert("array".to_owned());
            }
        }
    }
    let mut open = false;
    for key in ["anyOf", "oneOf", "allOf"] {
        for alt in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            match types_of(doc, alt, depth + 1) {
                Some(ts) => out.extend(ts),
                // An alternative that may be anything leaves the whole open.
                None if key != "allOf" => open = true,
                None => {}
            }
        }
    }
    (!open && !out.is_empty()).then_some(out)
}

fn compare(
    doc: &Value,
    spec: &'static ModelSpec,
    schema: &Value,
    route: &str,
    findings: &mut BTreeSet<Finding>,
    seen: &mut HashSet<&'static str>,
) {
    if !seen.insert(spec.name) {
        return;
    }
    let Some(props) = properties(doc, schema, 0) else {
        return;
    };
    for field in spec.fields {
        match props.iter().find(|(k, _)| *k == field.name) {
            None if !field.alternate => {
                findings.insert(Finding {
                    kind: FindingKind::UndeclaredField,
                    route: route.to_owned(),
                    name: format!("{}.{}", spec.name, field.name),
                    detail: String::new(),
                });
            }
            None => {}
            Some((_, sub)) => {
                let name = format!("{}.{}", spec.name, field.name);
                if let (Some(expected), Some(declared)) = (field_type(&name), declared_types(doc, sub)) {
                    if !declared.iter().any(|t| expected.accepts().contains(&t.as_str())) {
                        let declared = declared.into_iter().collect::<Vec<_>>().join(" or ");
                        findings.insert(Finding {
                            kind: FindingKind::MistypedField,
                            route: route.to_owned(),
                            name,
                            detail: format!("read as {}; declared as {declared}", expected.words()),
                        });
                    }
                }
                if let Some(nested) = field.nested {
                    compare(doc, nested, sub, route, findings, seen);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc_with(org_props: Value, limit_max: u64) -> Value {
        let list_params = json!([
            {"name": "offset", "in": "query", "schema": {"type": "integer"}},
            {"name": "limit", "in": "query", "schema": {"anyOf": [{"type": "integer", "maximum": limit_max}, {"type": "null"}]}},
        ]);
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/api/v1/organizations": {"get": {
                    "parameters": list_params,
                    "responses": {"200": {"content": {"application/json": {"schema":
                        {"type": "array", "items": {"$ref": "#/components/schemas/Org"}}}}}}
                }},
                "/api/v1/organizations/{organization_id}": {
                    "get": {"responses": {"200": {"content": {"application/json": {"schema":
                        {"$ref": "#/components/schemas/Org"}}}}}}
                }
            },
            "components": {"schemas": {"Org": {"type": "object", "properties": org_props}}}
        })
    }

    #[test]
    fn finds_missing_routes_methods_parameters_fields_and_the_limit_maximum() {
        let props = json!({"id": {}, "name": {}, "description": {}, "created": {}, "updated": {},
            "owner": {"anyOf": [{"type": "object", "properties": {"id": {}, "email": {}}}, {"type": "null"}]}});
        let check = check_document(&doc_with(props, 100), "/api/v1");
        assert_eq!(check.limit_max, Some(100));
        let has = |kind, route: &str, name: &str| {
            check.findings.iter().any(|f| f.kind == kind && f.route == route && f.name == name)
        };
        assert!(has(FindingKind::MissingRoute, "GET /users/me", ""));
        assert!(has(FindingKind::MissingMethod, "PATCH /organizations/{id}", ""));
        assert!(has(FindingKind::UndeclaredField, "GET /organizations", "organization.plan"));
        assert!(
            has(FindingKind::UndeclaredField, "GET /organizations", "user.username"),
            "nested through anyOf"
        );
        assert!(!check.findings.iter().any(|f| f.name == "organization.name"));
        assert_eq!(
            check.findings.iter().filter(|f| f.name == "organization.plan").count(),
            1,
            "once per field"
        );
        assert!(!check
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::UndeclaredParameter && f.route == "GET /organizations"));
    }

    #[test]
    fn a_field_declared_with_a_type_the_app_does_not_read_it_as_is_found_once() {
        let props = json!({
            "id": {"type": "string", "format": "uuid"},
            "name": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "plan": {"type": "integer"},
            "created": {"type": "integer"},
            "owner": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]},
            "has_active_subscription": {"type": ["string", "null"]},
            "description": {"anyOf": [{}, {"type": "integer"}]},
            "display_name": {"$ref": "#/components/schemas/Num"},
            "logo_url": {"type": "null"},
        });
        let mut doc = doc_with(props, 100);
        doc["components"]["schemas"]["Num"] = json!({"type": "number"});
        let check = check_document(&doc, "/api/v1");
        let mistyped: Vec<(&str, &str)> = check
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::MistypedField)
            .map(|f| (f.name.as_str(), f.detail.as_str()))
            .collect();
        assert_eq!(
            mistyped,
            [
                ("organization.display_name", "read as text; declared as number"),
                ("organization.has_active_subscription", "read as a boolean; declared as string"),
                ("organization.plan", "read as text; declared as integer"),
            ],
            "a time may be a number, an owner an id; `null` and open schemas say nothing: {:#?}",
            check.findings
        );
        assert!(check.findings.iter().all(|f| f.kind == FindingKind::MistypedField || f.detail.is_empty()));
    }

    /// Every model the app reads: those of the routes it calls and the models they nest.
    fn models() -> Vec<&'static ModelSpec> {
        let mut out: Vec<&'static ModelSpec> = Vec::new();
        let mut todo: Vec<&'static ModelSpec> = APP_ROUTES.iter().filter_map(|r| r.reads).collect();
        while let Some(spec) = todo.pop() {
            if out.iter().any(|s| s.name == spec.name) {
                continue;
            }
            todo.extend(spec.fields.iter().filter_map(|f| f.nested));
            out.push(spec);
        }
        out
    }

    #[test]
    fn every_field_of_every_model_has_the_type_it_is_read_as() {
        let models = models();
        let mut names = Vec::new();
        for spec in &models {
            for field in spec.fields {
                let name = format!("{}.{}", spec.name, field.name);
                let Some(t) = field_type(&name) else {
                    panic!("`{name}` is read but has no type: add it to FIELD_TYPES");
                };
                if field.nested.is_some() {
                    assert!(
                        matches!(t, FieldType::Object | FieldType::ObjectOrId | FieldType::Array),
                        "`{name}` nests a record but is typed {t:?}"
                    );
                }
                names.push(name);
            }
        }
        for (name, _) in FIELD_TYPES {
            assert!(names.iter().any(|n| n == name), "FIELD_TYPES lists `{name}`, which no model reads");
        }
        let mut sorted = FIELD_TYPES.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), FIELD_TYPES.len(), "FIELD_TYPES lists a field twice");
    }

    /// The source of the client's modules, without comments and test modules.
    fn client_sources() -> Vec<(String, String)> {
        sources_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
    }

    /// The `.rs` files under `dir`, by file name, without comments and test modules.
    fn sources_in(dir: &std::path::Path) -> Vec<(String, String)> {
        let dir = dir.to_path_buf();
        let mut out = Vec::new();
        let mut todo = vec![dir];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let text = text.split("\n#[cfg(test)]\nmod ").next().unwrap_or_default();
                let code: Vec<&str> =
                    text.lines().map(|l| if l.trim_start().starts_with("//") { "" } else { l }).collect();
                out.push((path.file_name().unwrap().to_string_lossy().into_owned(), code.join("\n")));
            }
        }
        out
    }

    /// The text of the parenthesised arguments starting at `open` (just after the `(`), split at the
    /// commas outside any bracket.
    fn arguments(text: &str, open: usize) -> Vec<String> {
        let (mut depth, mut args, mut current) = (0i32, Vec::new(), String::new());
        let mut in_string = false;
        for c in text[open..].chars() {
            match c {
                '"' => in_string = !in_string,
                '(' | '[' | '{' if !in_string => depth += 1,
                ')' | ']' | '}' if !in_string => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                ',' if depth == 0 && !in_string => {
                    args.push(std::mem::take(&mut current).trim().to_owned());
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        args.push(current.trim().to_owned());
        args.retain(|a| !a.is_empty());
        args
    }

    /// `GET` from `Method::GET` or `reqwest::Method::GET`; `None` for anything else (a variable).
    fn method_of(arg: &str) -> Option<String> {
        let (_, m) = arg.rsplit_once("Method::")?;
        m.chars().all(|c| c.is_ascii_uppercase()).then(|| m.to_owned())
    }

    /// `/organizations/{id}/members` from `&["organizations", &org, "members"]`; `None` for anything
    /// but an array of segments.
    fn path_of(arg: &str) -> Option<String> {
        let inner = arg.trim().strip_prefix("&[")?.strip_suffix(']')?;
        let segments: Vec<String> = inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(literal) => literal.to_owned(),
                None => "{id}".to_owned(),
            })
            .collect();
        Some(format!("/{}", segments.join("/")))
    }

    /// The name of the function the text at `at` is in.
    fn enclosing_fn(text: &str, at: usize) -> String {
        let before = &text[..at];
        let start = before.rfind("fn ").expect("inside a function") + 3;
        before[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    }

    /// The calls of function `name`, each with its file, its text, where its arguments start, and
    /// its arguments: `self.name(...)` in the client; for a public function the client never calls
    /// itself, `.name(...)` or `.name::<...>(...)` in the client and in core, the app's one caller.
    fn calls_of(name: &str, client: &[(String, String)]) -> Vec<(String, String, usize, Vec<String>)> {
        let find = |sources: &[(String, String)], needles: &[String]| {
            let mut found = Vec::new();
            for (file, text) in sources {
                for needle in needles {
                    for (at, _) in text.match_indices(needle.as_str()) {
                        let after = at + needle.len();
                        let open = if needle.ends_with('(') {
                            after
                        } else {
                            match text[after..].find('(') {
                                Some(i) => after + i + 1,
                                None => continue,
                            }
                        };
                        found.push((file.clone(), text.clone(), open, arguments(text, open)));
                    }
                }
            }
            found
        };
        let own = find(client, &[format!("self.{name}(")]);
        if !own.is_empty() {
            return own;
        }
        let core = sources_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src"));
        let both: Vec<(String, String)> = client.iter().cloned().chain(core).collect();
        find(&both, &[format!(".{name}("), format!(".{name}::<")])
    }

    /// The paths a helper named `helper` is given by its callers, followed through callers that pass
    /// on a path they are given.
    fn paths_given(helper: &str, client: &[(String, String)], depth: usize) -> Vec<String> {
        assert!(depth < 4, "`{helper}`: paths passed on too deep to follow");
        let callers = calls_of(helper, client);
        assert!(!callers.is_empty(), "`{helper}` sends a path it is given, and nothing calls it");
        let mut out = Vec::new();
        for (_, text, open, args) in callers {
            match args.iter().find_map(|a| path_of(a)) {
                Some(path) => out.push(path),
                None => out.extend(paths_given(&enclosing_fn(&text, open), client, depth + 1)),
            }
        }
        out
    }

    /// Every `(method, path)` the client's source sends: each `Call::new` with a method and a path
    /// written out; a helper that takes the path (`get(token, &[...])`) or the method
    /// (`assignment_call(Method::POST, ...)`) from its callers is followed to them.
    fn routes_in_source() -> BTreeSet<(String, String)> {
        let sources = client_sources();
        let mut routes = BTreeSet::new();
        for (file, text) in &sources {
            for (at, _) in text.match_indices("Call::new(") {
                let args = arguments(text, at + "Call::new(".len());
                assert_eq!(args.len(), 2, "{file}: Call::new with {args:?}");
                let helper = enclosing_fn(text, at);
                match (method_of(&args[0]), path_of(&args[1])) {
                    (Some(m), Some(p)) => {
                        routes.insert((m, p));
                    }
                    (Some(m), None) => {
                        for p in paths_given(&helper, &sources, 0) {
                            routes.insert((m.clone(), p));
                        }
                    }
                    // The method comes from the helper's callers.
                    (None, Some(p)) => {
                        let callers = calls_of(&helper, &sources);
                        assert!(
                            !callers.is_empty(),
                            "{file}: `{helper}` sends a method it is given; no caller"
                        );
                        for (file, _, _, args) in callers {
                            let m = args.iter().find_map(|a| method_of(a));
                            let m = m.unwrap_or_else(|| panic!("{file}: `{helper}` called with {args:?}"));
                            routes.insert((m, p.clone()));
                        }
                    }
                    (None, None) => panic!("{file}: cannot read the route of Call::new({args:?})"),
                }
            }
        }
        routes
    }

    #[test]
    fn the_route_table_is_every_route_the_client_sends_and_no_other() {
        let sent = routes_in_source();
        // Written out, through a helper given the path, through one given the method.
        for (m, p) in [("DELETE", "/teams/{id}"), ("GET", "/users/me"), ("POST", "/roles/{id}/assignments")] {
            assert!(sent.contains(&(m.to_owned(), p.to_owned())), "the scan finds {m} {p}: {sent:#?}");
        }
        let table: BTreeSet<(String, String)> =
            APP_ROUTES.iter().map(|r| (r.method.to_owned(), shape(r.path))).collect();
        let sent_shapes: BTreeSet<(String, String)> =
            sent.iter().map(|(m, p)| (m.clone(), shape(p))).collect();
        let missing: Vec<_> = sent_shapes.difference(&table).collect();
        assert!(missing.is_empty(), "routes the client sends that APP_ROUTES lacks: {missing:#?}");
        let unused: Vec<_> = table.difference(&sent_shapes).collect();
        assert!(unused.is_empty(), "APP_ROUTES lists routes the client never sends: {unused:#?}");
        assert_eq!(table.len(), APP_ROUTES.len(), "APP_ROUTES lists a route twice");
    }

    #[test]
    fn an_empty_or_foreign_document_finds_every_route_missing_and_never_panics() {
        for doc in [json!({}), json!([1, 2]), json!({"paths": 3}), json!({"paths": {"/x": {"get": 1}}})] {
            let check = check_document(&doc, "");
            assert_eq!(check.findings.len(), APP_ROUTES.len(), "{doc}");
            assert_eq!(check.limit_max, None);
        }
    }
}
