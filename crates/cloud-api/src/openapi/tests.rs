//! Tests of the OpenAPI check against small documents.

use super::*;
use std::collections::BTreeSet;

use serde_json::{json, Value};

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
    assert!(has(FindingKind::UndeclaredField, "GET /organizations", "user.username"), "nested through anyOf");
    assert!(!check.findings.iter().any(|f| f.name == "organization.name"));
    assert_eq!(check.findings.iter().filter(|f| f.name == "organization.plan").count(), 1, "once per field");
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

/// The `.rs` files under `dir`, by file name, without comments and test modules (inline ones, and
/// `tests.rs` files, which hold a module's tests).
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
            if path.extension().is_none_or(|e| e != "rs") || path.file_name().is_some_and(|n| n == "tests.rs")
            {
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
                    assert!(!callers.is_empty(), "{file}: `{helper}` sends a method it is given; no caller");
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
    let sent_shapes: BTreeSet<(String, String)> = sent.iter().map(|(m, p)| (m.clone(), shape(p))).collect();
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
