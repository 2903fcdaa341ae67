//! `GET /openapi.json`: every API route is in the document and served; every key of every object the
//! API serves is declared in the document's schema for its route (in both dialects); the document shows
//! the dialect (limit maximum, the variant shapes).

mod common;

use std::collections::BTreeSet;

use common::{items, Env};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

/// The API routes the crate documentation lists (and `/openapi.json`); control routes are not in it.
const ROUTES: &[(&str, &str)] = &[
    ("post", "/auth/device_authorization"),
    ("post", "/auth/login"),
    ("get", "/devices/verify"),
    ("post", "/devices/verify"),
    ("get", "/users/me"),
    ("get", "/users"),
    ("get", "/organizations"),
    ("post", "/organizations"),
    ("get", "/organizations/{id_or_name}"),
    ("patch", "/organizations/{id_or_name}"),
    ("get", "/organizations/{org_id}/members"),
    ("delete", "/organizations/{org_id}/members"),
    ("get", "/organizations/{org_id}/invitations"),
    ("post", "/organizations/{org_id}/invitations"),
    ("delete", "/organizations/{org_id}/invitations/{invitation_id}"),
    ("get", "/organizations/{org_id}/roles"),
    ("get", "/organizations/{org_id}/teams"),
    ("get", "/organizations/{org_id}/service_accounts"),
    ("post", "/organizations/{org_id}/service_accounts"),
    ("patch", "/organizations/{org_id}/service_accounts/{name_or_id}"),
    ("delete", "/organizations/{org_id}/service_accounts/{name_or_id}"),
    ("get", "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys"),
    ("post", "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys"),
    ("post", "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys/{key_name_or_id}/rotate"),
    ("patch", "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys/{key_name_or_id}"),
    ("delete", "/organizations/{org_id}/service_accounts/{name_or_id}/api_keys/{key_name_or_id}"),
    ("post", "/roles/{role_id}/assignments"),
    ("delete", "/roles/{role_id}/assignments"),
    ("post", "/teams"),
    ("get", "/teams/{team_id}"),
    ("patch", "/teams/{team_id}"),
    ("delete", "/teams/{team_id}"),
    ("get", "/teams/{team_id}/members"),
    ("post", "/teams/{team_id}/members"),
    ("delete", "/teams/{team_id}/members"),
    ("get", "/workspaces"),
    ("get", "/workspaces/{name_or_id}"),
    ("patch", "/workspaces/{name_or_id}"),
    ("get", "/workspaces/{name_or_id}/assignments"),
    ("get", "/roles/{role_id}/assignments"),
    ("get", "/auth/api_token"),
    ("get", "/openapi.json"),
];

async fn document(env: &Env) -> Value {
    let resp = env.http.get(format!("{}/openapi.json", env.url)).send().await.expect("document");
    assert_eq!(resp.status(), StatusCode::OK, "served without a token");
    resp.json().await.expect("json document")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

/// The document lists exactly the API routes, each is really served (no fallback 404, no 405), path
/// parameters are declared, and list routes take `offset` and `limit` with the dialect's maximum.
#[tokio::test]
async fn every_route_is_documented_and_served() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let doc = document(&env).await;
        assert_eq!(doc["openapi"], "3.1.0");
        let expected: BTreeSet<(String, String)> =
            ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
        assert_eq!(operations(&doc), expected, "{dialect}");

        for (method, path) in &expected {
            let op = &doc["paths"][path][method];
            let params = op["parameters"].as_array().expect("parameters");
            for seg in path.split('/').filter(|s| s.starts_with('{')) {
                let name = seg.trim_matches(['{', '}']);
                assert!(
                    params.iter().any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true),
                    "{method} {path}: path parameter {name}"
                );
            }
            let concrete = path
                .split('/')
                .map(|s| if s.starts_with('{') { uuid::Uuid::new_v4().to_string() } else { s.to_string() })
                .collect::<Vec<_>>()
                .join("/");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let (status, body) = env.call(m, None, &concrete, None).await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_ne!(body, json!({"detail": "Not Found"}), "{method} {path} is served");

            let is_list = op["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array";
            let param = |name: &str| params.iter().find(|p| p["name"] == name && p["in"] == "query").cloned();
            if is_list {
                let offset = param("offset").unwrap_or_else(|| panic!("{path}: offset"));
                assert_eq!(offset["schema"]["type"], "integer");
                assert_eq!(offset["schema"]["minimum"], 0);
                let limit = param("limit").unwrap_or_else(|| panic!("{path}: limit"));
                assert_eq!(limit["schema"]["type"], "integer");
                assert_eq!(limit["schema"]["minimum"], 1);
                let max = if dialect == Dialect::Default { 1000 } else { 100 };
                assert_eq!(limit["schema"]["maximum"], max, "{dialect} {path}");
            }
        }
        // The filters each list route reads.
        let query_names = |method: &str, path: &str| -> BTreeSet<String> {
            doc["paths"][path][method]["parameters"]
                .as_array()
                .expect("parameters")
                .iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().expect("name").to_string())
                .collect()
        };
        let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            query_names("get", "/workspaces"),
            set(&["offset", "limit", "workspace_name", "url", "organization_id", "status", "member_only"])
        );
        assert_eq!(
            query_names("get", "/organizations/{org_id}/invitations"),
            set(&["offset", "limit", "only_pending", "email"])
        );
        assert_eq!(
            query_names("get", "/organizations/{org_id}/roles"),
            set(&["offset", "limit", "level", "name"])
        );
        assert_eq!(query_names("get", "/users"), set(&["offset", "limit", "email"]));
        assert_eq!(
            query_names("post", "/roles/{role_id}/assignments"),
            set(&["user_id", "invitation_id", "team_id", "workspace_id", "project_id"])
        );
        assert_eq!(query_names("delete", "/teams/{team_id}/members"), set(&["user_id", "invitation_id"]));
        assert_eq!(query_names("delete", "/organizations/{org_id}/members"), set(&["user_id"]));
        assert!(doc["paths"].as_object().unwrap().keys().all(|p| !p.starts_with("/_emulator")));
    }
}

// ---- checking served values against the document ----

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").expect("local ref");
            let target = &doc["components"]["schemas"][name];
            assert!(target.is_object(), "dangling $ref {r}");
            target
        }
        None => schema,
    }
}

/// Every problem with `value` against `schema`: a key the schema does not declare, a required key
/// missing, a type that does not match.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(alternatives) = schema.get("anyOf").and_then(Value::as_array) {
        let mut best: Option<Vec<String>> = None;
        for alt in alternatives {
            let mut errs = Vec::new();
            check(doc, alt, value, at, &mut errs);
            if errs.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| errs.len() < b.len()) {
                best = Some(errs);
            }
        }
        errors.extend(best.unwrap_or_else(|| vec![format!("{at}: empty anyOf")]));
        return;
    }
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        return; // `{}`: anything
    };
    let fits = match ty {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => {
            errors.push(format!("{at}: unknown type {other}"));
            return;
        }
    };
    if !fits {
        errors.push(format!("{at}: {value} is not {ty}"));
        return;
    }
    match value {
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                check(doc, &schema["items"], item, &format!("{at}[{i}]"), errors);
            }
        }
        Value::Object(map) => {
            let props = schema["properties"].as_object().cloned().unwrap_or_default();
            for (k, v) in map {
                match props.get(k) {
                    Some(s) => check(doc, s, v, &format!("{at}.{k}"), errors),
                    None => errors.push(format!("{at}.{k}: not declared")),
                }
            }
            for req in schema["required"].as_array().into_iter().flatten() {
                let req = req.as_str().expect("required name");
                if !map.contains_key(req) {
                    errors.push(format!("{at}.{req}: required but missing"));
                }
            }
        }
        _ => {}
    }
}

fn response_schema<'a>(doc: &'a Value, method: &str, template: &str) -> &'a Value {
    let schema = &doc["paths"][template][method]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {template} has a JSON response schema");
    schema
}

struct Checker<'a> {
    env: &'a Env,
    doc: Value,
    checked: usize,
}

impl Checker<'_> {
    fn value(&mut self, method: &str, template: &str, value: &Value) {
        let mut errors = Vec::new();
        check(&self.doc, response_schema(&self.doc, method, template), value, template, &mut errors);
        assert!(errors.is_empty(), "{} {method} {template}:\n{}", self.env.emu.dialect(), errors.join("\n"));
        self.checked += 1;
    }

    async fn get(&mut self, token: &str, template: &str, path: &str) -> Value {
        let body = self.env.ok(token, path).await;
        self.value("get", template, &body);
        body
    }
}

/// The no-drift proof: each list and single-object GET (and the sign-in and invitation answers),
/// fetched as the admin and as the multi-organization user, fits the document of its dialect.
#[tokio::test]
async fn served_objects_fit_the_document() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let creds = env.emu.credentials().clone();
        let doc = document(&env).await;
        let mut c = Checker { env: &env, doc, checked: 0 };

        let (status, login) =
            env.login(&[("grant_type", "zenml_api_key"), ("password", &creds.admin.key)]).await;
        assert_eq!(status, StatusCode::OK);
        c.value("post", "/auth/login", &login);
        let admin = login["access_token"].as_str().unwrap().to_string();
        for user_agent in
            [Some("Host/laptop ZenML/0.84.0 Python/3.12 OS/Linux"), Some("desktop/0.1 OS/Linux"), None]
        {
            let auth = env.device_start(user_agent).await;
            c.value("post", "/auth/device_authorization", &auth);
            env.control("devices/approve", json!({"user_code": auth["user_code"]})).await;
            let (status, device_token) = env.device_poll(&auth).await;
            assert_eq!(status, StatusCode::OK, "{device_token}");
            c.value("post", "/auth/login", &device_token);
        }
        let multi = env.token(&creds.multi_org.key).await;
        // A device-flow token is refused on the key routes (service accounts): read as an automation
        // token, which is what a client does (contract 2.2a).
        let founder_device = env.token_as("founder@tiny-startup.example").await;
        let founder = env.ok(&founder_device, "/auth/api_token").await;
        c.value("get", "/auth/api_token", &founder);
        let founder = founder.as_str().expect("a bare string").to_string();

        for token in [&admin, &multi, &founder] {
            c.get(token, "/users/me", "/users/me").await;
            c.get(token, "/users", "/users?limit=100").await;
            let orgs = c.get(token, "/organizations", "/organizations?limit=100").await;
            c.get(token, "/workspaces", "/workspaces?limit=100").await;
            for org in items(&orgs) {
                let (id, name) = (org["id"].as_str().unwrap(), org["name"].as_str().unwrap());
                c.get(token, "/organizations/{id_or_name}", &format!("/organizations/{id}")).await;
                c.get(token, "/organizations/{id_or_name}", &format!("/organizations/{name}")).await;
                let t = |route: &str| format!("/organizations/{{org_id}}/{route}");
                for route in ["members", "invitations", "roles", "teams", "service_accounts"] {
                    let (status, body) =
                        env.get(token, &format!("/organizations/{id}/{route}?limit=100")).await;
                    if status == StatusCode::OK {
                        c.value("get", &t(route), &body);
                    } else if route == "service_accounts" && dialect == Dialect::Variant {
                        // The variant dialect does not offer service accounts.
                        assert_eq!(status, StatusCode::NOT_FOUND, "{route} of {name}: {body}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{route} of {name}: {body}");
                    }
                }
                let ws = env.ok(token, &format!("/workspaces?organization_id={id}&limit=100")).await;
                for w in items(&ws) {
                    let name = w["name"].as_str().unwrap();
                    c.get(token, "/workspaces/{name_or_id}", &format!("/workspaces/{name}")).await;
                }
            }
        }

        // Write answers: an invitation created and revoked, an organization created.
        let acme = env.org_id(&admin, "acme-ml").await;
        let role = env.role_id(&admin, &acme, "Organization Member").await;
        let path = format!("/organizations/{acme}/invitations");
        let (status, inv) = env
            .call(
                Method::POST,
                Some(&admin),
                &path,
                Some(json!({"email": "doc@acme-ml.example", "role_id": role})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{inv}");
        c.value("post", "/organizations/{org_id}/invitations", &inv);
        let (_, revoked) = env
            .call(Method::DELETE, Some(&admin), &format!("{path}/{}", inv["id"].as_str().unwrap()), None)
            .await;
        c.value("delete", "/organizations/{org_id}/invitations/{invitation_id}", &revoked);
        let (status, org) =
            env.call(Method::POST, Some(&admin), "/organizations", Some(json!({"name": "doc-lab"}))).await;
        assert_eq!(status, StatusCode::OK);
        c.value("post", "/organizations", &org);
        assert!(c.checked > 60, "{} responses checked", c.checked);

        // The checker itself catches an undeclared key, a missing required one, and a wrong type.
        let mut bad = org.clone();
        bad["surprise"] = json!(1);
        bad.as_object_mut().unwrap().remove("id");
        bad["name"] = json!(7);
        let mut errors = Vec::new();
        check(&c.doc, response_schema(&c.doc, "post", "/organizations"), &bad, "org", &mut errors);
        errors.sort();
        assert_eq!(
            errors,
            ["org.id: required but missing", "org.name: 7 is not string", "org.surprise: not declared"],
            "{dialect}"
        );
    }
}

fn properties(doc: &Value, component: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][component]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("component {component}"))
        .keys()
        .cloned()
        .collect()
}

/// The schemas show the dialect: the default document has the contract's fields, the variant one the
/// variants (and the unknown fields), and list routes refer to their component.
#[tokio::test]
async fn schemas_follow_the_dialect() {
    let env = Env::dialect(Dialect::Default).await;
    let doc = document(&env).await;
    let org = properties(&doc, "Organization");
    for key in ["plan", "display_name", "owner", "trial_expiry", "has_active_subscription"] {
        assert!(org.contains(key), "default Organization has {key}");
    }
    assert_eq!(
        doc["components"]["schemas"]["Organization"]["properties"]["owner"],
        json!({"$ref": "#/components/schemas/User"})
    );
    assert!(properties(&doc, "MemberRole").contains("name"));
    let inv = properties(&doc, "Invitation");
    assert!(inv.contains("role") && inv.contains("roles") && inv.contains("teams"), "{inv:?}");
    let role_entry = properties(&doc, "RoleRef");
    assert!(role_entry.contains("level") && role_entry.contains("workspace_id"), "{role_entry:?}");
    assert_eq!(properties(&doc, "TeamRef"), ["id", "name"].into_iter().map(String::from).collect());
    assert!(properties(&doc, "Role").contains("level"));
    assert!(properties(&doc, "Workspace").contains("display_name"));
    assert!(!properties(&doc, "User").contains("x_revision"));
    assert!(!properties(&doc, "MemberRow").contains("sso_group"));
    let trial = &doc["components"]["schemas"]["Organization"]["properties"]["trial_expiry"];
    assert_eq!(trial, &json!({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}));
    assert_eq!(
        doc["paths"]["/organizations/{org_id}/members"]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/MemberRow"}})
    );
    assert_eq!(
        doc["components"]["schemas"]["User"]["properties"]["id"],
        json!({"type": "string", "format": "uuid"})
    );
    assert_eq!(
        doc["components"]["schemas"]["User"]["properties"]["avatar_url"],
        json!({"anyOf": [{"type": "string"}, {"type": "null"}]})
    );

    let env = Env::dialect(Dialect::Variant).await;
    let doc = document(&env).await;
    let org = properties(&doc, "Organization");
    assert!(!org.contains("plan") && !org.contains("display_name"), "{org:?}");
    assert_eq!(doc["components"]["schemas"]["Organization"]["properties"]["owner"]["format"], "uuid");
    let trial = &doc["components"]["schemas"]["Organization"]["properties"]["trial_expiry"];
    assert_eq!(trial, &json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}));
    let role_entry = properties(&doc, "MemberRole");
    assert!(!role_entry.contains("name"), "{role_entry:?}");
    assert!(["role_id", "level", "via_team"].iter().all(|k| role_entry.contains(*k)));
    let inv = properties(&doc, "Invitation");
    assert!(inv.contains("roles") && !inv.contains("role"), "{inv:?}");
    assert_eq!(
        doc["components"]["schemas"]["Invitation"]["properties"]["roles"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/RoleRef"}})
    );
    assert!(properties(&doc, "RoleRef").contains("role_id"), "workspace roles as {{role_id, workspace_id}}");
    assert_eq!(
        doc["components"]["schemas"]["Invitation"]["properties"]["teams"],
        json!({"type": "array", "items": {"type": "string", "format": "uuid"}}),
        "teams as bare ids"
    );
    assert!(!properties(&doc, "Role").contains("level"));
    assert!(!properties(&doc, "Workspace").contains("display_name"));
    assert!(properties(&doc, "MemberRow").contains("sso_group"));
    for c in [
        "User",
        "Organization",
        "Workspace",
        "MemberRow",
        "MemberRole",
        "Invitation",
        "RoleRef",
        "Role",
        "Team",
    ] {
        let p = properties(&doc, c);
        assert!(p.contains("metadata") && p.contains("x_revision"), "{c}: {p:?}");
    }
    for c in ["TokenResponse", "DeviceAuthorization", "ZenmlService"] {
        assert!(properties(&doc, c).contains("x_revision"), "{c}");
    }
}
