//! Checking a server's OpenAPI document against what the app asks of it ([`super::APP_ROUTES`],
//! [`super::FIELD_TYPES`]): the findings and how they are found.

use crate::wire::ModelSpec;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

use super::*;

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

pub(super) fn shape(path: &str) -> String {
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
