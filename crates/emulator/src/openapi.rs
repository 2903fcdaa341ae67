//! `GET /openapi.json`: an OpenAPI 3.1 document of the running dialect, generated from the emulator's
//! own code so it cannot drift from what is served.
//!
//! - `paths` come from the route table ([`crate::routes::table`]) that also builds the router.
//! - Response schemas are inferred from samples: the demo data (plus variations: null fields, every
//!   invitation status, every workspace status, team and invitation rows) rendered through the same
//!   dialect-aware functions the handlers use. A key any sample has is a declared property; a property
//!   null in some samples is `anyOf: [schema, {"type": "null"}]`.
//! - Named objects are component schemas referenced with `$ref`; a nested object goes to its component
//!   through [`REFS`], and its samples join that component's samples.

mod samples;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::DateTime;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::routes::{Body, QueryParam, Returns, RouteDoc, Ty};
use crate::AppState;

/// `GET /openapi.json` (no auth). Built once per emulator: the dialect and the code never change.
pub async fn serve(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(st.openapi.get_or_init(|| document(st.config.dialect, &st.routes)).clone())
}

/// Where a nested object's schema lives: (component, property, component of its value). A property
/// whose values are objects (or arrays of objects) becomes a `$ref`; other values keep their own type.
const REFS: &[(&str, &str, &str)] = &[
    ("MemberRow", "user", "User"),
    ("MemberRow", "team", "Team"),
    ("MemberRow", "invitation", "Invitation"),
    ("MemberRow", "roles", "MemberRole"),
    ("Workspace", "organization", "Organization"),
    ("Workspace", "zenml_service", "ZenmlService"),
    ("Workspace", "kitaru_service", "KitaruService"),
    ("Invitation", "inviter", "User"),
    ("Invitation", "role", "RoleRef"),
    ("Invitation", "roles", "RoleRef"),
    ("Invitation", "teams", "TeamRef"),
    ("Organization", "owner", "User"),
    ("TeamMember", "user", "User"),
    ("TeamMember", "invitation", "Invitation"),
    ("Assignment", "role", "RoleRef"),
    ("Assignment", "user", "User"),
    ("Assignment", "team", "Team"),
    ("Assignment", "invitation", "Invitation"),
];

/// Components in an order where every component comes before those its objects nest.
const COMPONENTS: &[&str] = &[
    "Assignment",
    "MemberRow",
    "TeamMember",
    "Workspace",
    "Invitation",
    "Organization",
    "User",
    "Team",
    "MemberRole",
    "RoleRef",
    "TeamRef",
    "ZenmlService",
    "KitaruService",
    "Role",
    "TokenResponse",
    "DeviceAuthorization",
    "ServiceAccount",
    "ApiKey",
];

/// The whole document for `dialect`.
pub fn document(dialect: Dialect, routes: &[RouteDoc]) -> Value {
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for r in routes {
        paths
            .entry(r.path)
            .or_default()
            .insert(r.method.as_str().to_ascii_lowercase(), operation(dialect, r));
    }
    let paths: Map<String, Value> =
        paths.into_iter().map(|(p, ops)| (p.to_string(), Value::Object(ops))).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ZenML Pro cloud API (local emulator)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Generated from the emulator's route table and JSON shapes; dialect '{}'.",
                dialect.as_str()
            ),
        },
        "paths": paths,
        "components": {
            "schemas": component_schemas(dialect),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    })
}

fn operation(dialect: Dialect, r: &RouteDoc) -> Value {
    let mut params: Vec<Value> = path_params(r.path)
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": path_param_schema(name)}))
        .collect();
    if r.list {
        params.push(json!({
            "name": "offset", "in": "query", "required": false,
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        }));
        params.push(json!({
            "name": "limit", "in": "query", "required": false,
            "schema": {
                "type": "integer", "minimum": 1, "maximum": dialect.limit_max(),
                "default": crate::error::LIMIT_DEFAULT,
            },
        }));
    }
    params.extend(r.query.iter().map(|q| {
        let mut p = json!({"name": q.name, "in": "query", "required": q.required, "schema": ty_schema(q.ty)});
        if !q.description.is_empty() {
            p["description"] = json!(q.description);
        }
        p
    }));
    let (content_type, schema) = match r.returns {
        Returns::One(c) => ("application/json", component_ref(c)),
        Returns::List(c) => ("application/json", json!({"type": "array", "items": component_ref(c)})),
        Returns::Null => ("application/json", json!({"type": "null"})),
        Returns::Html => ("text/html", json!({"type": "string"})),
        Returns::Text => ("application/json", json!({"type": "string"})),
        Returns::Document => ("application/json", json!({"type": "object"})),
    };
    let mut op = json!({
        "operationId": r.operation_id,
        "summary": r.summary,
        "parameters": params,
        "responses": {
            "200": {"description": "Successful Response", "content": {content_type: {"schema": schema}}},
        },
    });
    match r.body {
        Body::None => {}
        Body::Json(fields) => op["requestBody"] = request_body("application/json", fields),
        Body::Form(fields) => op["requestBody"] = request_body("application/x-www-form-urlencoded", fields),
    }
    if r.auth {
        op["security"] = json!([{"bearer": []}]);
    }
    op
}

/// The `{name}` segments of a path template.
fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

fn path_param_schema(name: &str) -> Value {
    // `{name_or_id}` takes a name too.
    if name.ends_with("_id") && !name.ends_with("_or_id") {
        ty_schema(Ty::Uuid)
    } else {
        ty_schema(Ty::Str)
    }
}

fn ty_schema(ty: Ty) -> Value {
    match ty {
        Ty::Str => json!({"type": "string"}),
        Ty::Uuid => json!({"type": "string", "format": "uuid"}),
        Ty::Email => json!({"type": "string", "format": "email"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int => json!({"type": "integer", "minimum": 0}),
        Ty::Enum(values) => json!({"type": "string", "enum": values}),
        Ty::UuidList => json!({"type": "array", "items": {"type": "string", "format": "uuid"}}),
    }
}

fn request_body(content_type: &str, fields: &[QueryParam]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|f| {
            let mut s = ty_schema(f.ty);
            if !f.description.is_empty() {
                s["description"] = json!(f.description);
            }
            (f.name.to_string(), s)
        })
        .collect();
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    json!({
        "required": true,
        "content": {content_type: {"schema": {"type": "object", "properties": properties, "required": required}}},
    })
}

fn component_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn component_schemas(d: Dialect) -> Map<String, Value> {
    let mut pools = samples::samples(d);
    // Nested objects join their component's samples, parents first.
    for &component in COMPONENTS {
        let parents = pools.get(component).cloned().unwrap_or_default();
        for &(_, prop, target) in REFS.iter().filter(|(c, _, _)| *c == component) {
            let nested: Vec<Value> = parents
                .iter()
                .filter_map(|p| p.get(prop))
                .flat_map(|v| match v {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                })
                .filter(Value::is_object)
                .collect();
            pools.entry(target).or_default().extend(nested);
        }
    }
    COMPONENTS
        .iter()
        .map(|&c| {
            let objects: Vec<&Map<String, Value>> =
                pools.get(c).into_iter().flatten().filter_map(Value::as_object).collect();
            (c.to_string(), infer_object(&objects, Some(c)))
        })
        .collect()
}

// ---- schema inference ----

/// The schema of a set of objects: every key any of them has, `required` for keys all of them have.
/// `component` names the schema being built, so properties listed in [`REFS`] become `$ref`s.
fn infer_object(objects: &[&Map<String, Value>], component: Option<&str>) -> Value {
    let mut keys: Vec<&str> = Vec::new();
    for o in objects {
        for k in o.keys() {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for key in keys {
        let values: Vec<&Value> = objects.iter().filter_map(|o| o.get(key)).collect();
        if values.len() == objects.len() {
            required.push(key);
        }
        let target = component
            .and_then(|c| REFS.iter().find(|(rc, rp, _)| *rc == c && *rp == key))
            .map(|(_, _, t)| *t);
        properties.insert(key.to_string(), infer(&values, target));
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// The schema of a set of values. Objects become `$ref: target` when one is given (also inside arrays).
fn infer(values: &[&Value], target: Option<&str>) -> Value {
    let mut nullable = false;
    let (mut strings, mut ints, mut floats, mut bools) = (Vec::new(), 0usize, 0usize, 0usize);
    let (mut arrays, mut objects): (Vec<&Vec<Value>>, Vec<&Map<String, Value>>) = (Vec::new(), Vec::new());
    for v in values {
        match v {
            Value::Null => nullable = true,
            Value::Bool(_) => bools += 1,
            Value::Number(n) if n.is_i64() || n.is_u64() => ints += 1,
            Value::Number(_) => floats += 1,
            Value::String(s) => strings.push(s.as_str()),
            Value::Array(a) => arrays.push(a),
            Value::Object(o) => objects.push(o),
        }
    }
    let mut variants = Vec::new();
    if !strings.is_empty() {
        variants.push(string_schema(&strings));
    }
    if floats > 0 {
        variants.push(json!({"type": "number"}));
    } else if ints > 0 {
        variants.push(json!({"type": "integer"}));
    }
    if bools > 0 {
        variants.push(json!({"type": "boolean"}));
    }
    if !arrays.is_empty() {
        let items: Vec<&Value> = arrays.iter().flat_map(|a| a.iter()).collect();
        let items = if items.is_empty() { json!({}) } else { infer(&items, target) };
        variants.push(json!({"type": "array", "items": items}));
    }
    if !objects.is_empty() {
        variants.push(match target {
            Some(t) => component_ref(t),
            None => infer_object(&objects, None),
        });
    }
    match (variants.len(), nullable) {
        (0, true) => json!({"type": "null"}),
        (0, false) => json!({}),
        (1, false) => variants.remove(0),
        _ => {
            if nullable {
                variants.push(json!({"type": "null"}));
            }
            json!({"anyOf": variants})
        }
    }
}

/// `string`, with `format: uuid` or `date-time` when every sample is one.
fn string_schema(samples: &[&str]) -> Value {
    let is_uuid = |s: &&str| s.len() == 36 && Uuid::parse_str(s).is_ok();
    let is_date_time = |s: &&str| DateTime::parse_from_rfc3339(s).is_ok();
    if samples.iter().all(is_uuid) {
        json!({"type": "string", "format": "uuid"})
    } else if samples.iter().all(is_date_time) {
        json!({"type": "string", "format": "date-time"})
    } else {
        json!({"type": "string"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_marks_nullable_formats_and_refs() {
        let a = json!({"id": "7a0c5e1d-4f2b-4c8e-9d3a-6b1f0e2c8a47", "at": "2024-03-01T09:00:00Z", "n": 1, "x": null});
        let b = json!({"id": "7a0c5e1d-4f2b-4c8e-9d3a-6b1f0e2c8a48", "at": "2024-03-02T09:00:00Z", "n": 2, "x": "s"});
        let s = infer_object(&[a.as_object().unwrap(), b.as_object().unwrap()], None);
        assert_eq!(s["properties"]["id"], json!({"type": "string", "format": "uuid"}));
        assert_eq!(s["properties"]["at"]["format"], "date-time");
        assert_eq!(s["properties"]["n"], json!({"type": "integer"}));
        assert_eq!(s["properties"]["x"], json!({"anyOf": [{"type": "string"}, {"type": "null"}]}));
        let row = json!({"user": {"id": 1}, "roles": [{"role_id": 2}]});
        let s = infer_object(&[row.as_object().unwrap()], Some("MemberRow"));
        assert_eq!(s["properties"]["user"], component_ref("User"));
        assert_eq!(s["properties"]["roles"]["items"], component_ref("MemberRole"));
    }

    #[test]
    fn both_documents_build() {
        let routes: Vec<RouteDoc> = crate::routes::table().into_iter().map(|r| r.doc).collect();
        for d in Dialect::ALL {
            let doc = document(d, &routes);
            for c in COMPONENTS {
                assert!(doc["components"]["schemas"][*c]["properties"].is_object(), "{c} in {d}");
            }
        }
    }
}
