//! What this client asks of a server, compared with the server's own OpenAPI document.
//!
//! [`APP_ROUTES`] lists every route the app calls, with the query parameters it sends and the model
//! it reads from the answer. [`check_document`] reads a server's `/openapi.json` (FastAPI serves one)
//! and says which of those routes or methods the server does not have, which parameters it does not
//! declare, which fields the app reads that its schemas do not declare, and the largest `limit` it
//! takes. Findings name routes and fields, never values.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::models::*;
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

/// Every route of the cloud API this app calls.
pub static APP_ROUTES: &[RouteUse] = &[
    RouteUse { method: "POST", path: "/auth/device_authorization", query: &[], reads: None },
    RouteUse { method: "POST", path: "/auth/login", query: &[], reads: None },
    RouteUse { method: "GET", path: "/users/me", query: &[], reads: Some(&USER_SPEC) },
    RouteUse { method: "GET", path: "/organizations", query: PAGE, reads: Some(&ORGANIZATION_SPEC) },
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
        method: "POST",
        path: "/roles/{id}/assignments",
        query: &["user_id", "invitation_id", "team_id"],
        reads: None,
    },
    RouteUse {
        method: "DELETE",
        path: "/roles/{id}/assignments",
        query: &["user_id", "invitation_id", "team_id"],
        reads: None,
    },
    RouteUse { method: "GET", path: "/organizations/{id}/teams", query: PAGE, reads: Some(&TEAM_SPEC) },
    RouteUse {
        method: "GET",
        path: "/workspaces",
        query: &["organization_id", "offset", "limit"],
        reads: Some(&WORKSPACE_SPEC),
    },
    RouteUse { method: "GET", path: "/workspaces/{id}", query: &[], reads: Some(&WORKSPACE_SPEC) },
];

/// What kind of difference a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
}

/// One difference between what the app asks and what the document declares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// `GET /organizations/{id}/members`.
    pub route: String,
    /// The parameter or field (`member_role.name`), empty for a route.
    pub name: String,
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
            findings.insert(Finding { kind: FindingKind::MissingRoute, route: label, name: String::new() });
            continue;
        };
        let Some(op) = item.get(route.method.to_ascii_lowercase()) else {
            findings.insert(Finding { kind: FindingKind::MissingMethod, route: label, name: String::new() });
            continue;
        };
        let params = declared_query(doc, item, op);
        for q in route.query {
            if !params.iter().any(|(name, _)| name == q) {
                findings.insert(Finding {
                    kind: FindingKind::UndeclaredParameter,
                    route: label.clone(),
                    name: (*q).to_owned(),
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
    // A field missing from one route's schema is usually missing from every route serving the model:
    // one finding per field is enough.
    let mut fields_seen = HashSet::new();
    let findings = findings
        .into_iter()
        .filter(|f| f.kind != FindingKind::UndeclaredField || fields_seen.insert(f.name.clone()))
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
                });
            }
            None => {}
            Some((_, sub)) => {
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
    fn an_empty_or_foreign_document_finds_every_route_missing_and_never_panics() {
        for doc in [json!({}), json!([1, 2]), json!({"paths": 3}), json!({"paths": {"/x": {"get": 1}}})] {
            let check = check_document(&doc, "");
            assert_eq!(check.findings.len(), APP_ROUTES.len(), "{doc}");
            assert_eq!(check.limit_max, None);
        }
    }
}
