//! The variant dialect: each way it differs from the default one (contract, section 6), and that the
//! default dialect keeps its shapes.

mod common;

use chrono::{TimeZone, Utc};
use common::{items, names, Env};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

/// Every object in `value` (outside the unknown `metadata` objects themselves) has the unknown fields.
fn assert_unknown_fields(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            assert_eq!(map.get("x_revision"), Some(&json!(3)), "{at}: {value}");
            assert_eq!(map.get("metadata"), Some(&json!({"source": "emulator", "tags": ["a"]})), "{at}");
            for (k, v) in map.iter().filter(|(k, _)| *k != "metadata") {
                assert_unknown_fields(v, &format!("{at}.{k}"));
            }
        }
        Value::Array(list) => list.iter().for_each(|v| assert_unknown_fields(v, at)),
        _ => {}
    }
}

fn limit_error(input: &str) -> Value {
    json!({"detail": [{
        "type": "less_than_equal",
        "loc": ["query", "limit"],
        "msg": "Input should be less than or equal to 100",
        "input": input,
        "ctx": {"le": 100},
    }]})
}

/// Key exchange: the variant wants `grant_type=zenml_api_key`; the default takes both forms.
#[tokio::test]
async fn key_exchange_needs_the_grant_type_in_the_variant() {
    let env = Env::dialect(Dialect::Variant).await;
    let creds = env.emu.credentials().clone();
    let (status, body) = env.login(&[("password", &creds.admin.key)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "unsupported_grant_type", "error_description": "grant_type=zenml_api_key is required for API key login"})
    );
    let (status, token) = env.login(&[("grant_type", "zenml_api_key"), ("password", &creds.admin.key)]).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_unknown_fields(&token, "token");
    let (status, _) = env.login(&[("grant_type", "zenml_api_key"), ("password", "ZENPAT_nope")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = env
        .login(&[("username", &creds.password_login.username), ("password", &creds.password_login.password)])
        .await;
    assert_eq!(status, StatusCode::OK, "username and password unchanged: {body}");

    let env = Env::dialect(Dialect::Default).await;
    for form in [
        vec![("password", creds.admin.key.as_str())],
        vec![("grant_type", "zenml_api_key"), ("password", &creds.admin.key)],
    ] {
        let (status, body) = env.login(&form).await;
        assert_eq!(status, StatusCode::OK, "{form:?}: {body}");
        assert!(body.get("x_revision").is_none());
    }
}

/// Organizations, workspaces, roles, teams, invitations and member rows in their variant shapes, with
/// unknown fields everywhere.
#[tokio::test]
async fn variant_shapes() {
    let env = Env::dialect(Dialect::Variant).await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let me = env.ok(&admin, "/users/me").await;
    assert_unknown_fields(&me, "me");

    let orgs = env.ok(&admin, "/organizations").await;
    assert_unknown_fields(&orgs, "organizations");
    let acme = &orgs[0];
    assert_eq!(acme["name"], "acme-ml");
    for key in ["plan", "display_name"] {
        assert!(acme.get(key).is_none(), "{key} in {acme}");
    }
    assert_eq!(acme["owner"], me["id"], "owner is the owner's id");
    assert_eq!(acme["trial_expiry"], Value::Null);
    assert_eq!(acme["has_active_subscription"], true);
    let founder = env.token_as("founder@tiny-startup.example").await;
    let tiny = env.ok(&founder, "/organizations/tiny-startup").await;
    let expiry = Utc.with_ymd_and_hms(2035, 12, 31, 23, 59, 59).unwrap().timestamp();
    assert_eq!(tiny["trial_expiry"], json!(expiry), "epoch seconds");

    let ws = env.ok(&admin, "/workspaces?limit=100").await;
    assert_unknown_fields(&ws, "workspaces");
    for w in items(&ws) {
        assert!(w.get("display_name").is_none(), "{w}");
        assert!(w["organization"].get("plan").is_none() && w["organization"]["owner"].is_string());
    }
    let acme_id = acme["id"].as_str().unwrap();

    let roles = env.ok(&admin, &format!("/organizations/{acme_id}/roles?limit=100")).await;
    assert_unknown_fields(&roles, "roles");
    assert!(items(&roles).iter().all(|r| r.get("level").is_none()), "{roles}");
    let ws_roles = env.ok(&admin, &format!("/organizations/{acme_id}/roles?level=workspace")).await;
    assert_eq!(
        names(&ws_roles),
        [
            "Stack Admin",
            "Workspace Admin",
            "Workspace Contributor",
            "Workspace Developer",
            "Workspace Viewer"
        ]
    );
    let teams = env.ok(&admin, &format!("/organizations/{acme_id}/teams")).await;
    assert_unknown_fields(&teams, "teams");

    // Invitations: `roles` instead of `role`; every status without only_pending.
    let path = format!("/organizations/{acme_id}/invitations");
    let all = env.ok(&admin, &format!("{path}?limit=100")).await;
    assert_unknown_fields(&all, "invitations");
    let statuses: Vec<&str> = items(&all).iter().map(|i| i["status"].as_str().unwrap()).collect();
    for s in ["pending", "accepted", "revoked", "expired"] {
        assert!(statuses.contains(&s), "{s} in {statuses:?}");
    }
    for inv in items(&all) {
        assert!(inv.get("role").is_none(), "{inv}");
        assert!(inv["roles"][0]["id"].is_string() && inv["roles"][0]["name"].is_string(), "{inv}");
    }
    let pending = env.ok(&admin, &format!("{path}?only_pending=true&limit=100")).await;
    assert!(items(&pending).iter().all(|i| i["status"] == "pending"));
    assert!(items(&pending).len() < items(&all).len());

    let member_role = env.role_id(&admin, acme_id, "Organization Member").await;
    let viewer_role = env.role_id(&admin, acme_id, "Organization Viewer").await;
    let ws_role = env.role_id(&admin, acme_id, "Workspace Viewer").await;
    let (status, inv) = env
        .call(
            Method::POST,
            Some(&admin),
            &path,
            Some(json!({"email": "a@acme-ml.example", "role_id": member_role})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{inv}");
    assert_eq!(
        inv["roles"],
        json!([{"id": member_role, "name": "Organization Member", "metadata": {"source": "emulator", "tags": ["a"]}, "x_revision": 3}])
    );
    let (status, inv) = env
        .call(
            Method::POST,
            Some(&admin),
            &path,
            Some(json!({"email": "b@acme-ml.example", "roles": [ws_role, viewer_role, member_role]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{inv}");
    let inv_roles: Vec<&str> = items(&inv["roles"]).iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(inv_roles[0], "Organization Viewer", "the first organization-level role is the invitation's");
    assert!(inv_roles.contains(&"Organization Member") && !inv_roles.contains(&"Workspace Viewer"));
    let (status, body) = env
        .call(
            Method::POST,
            Some(&admin),
            &path,
            Some(json!({"email": "c@acme-ml.example", "roles": [ws_role]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Member rows: roles without names, one row of an unknown kind after the teams, counted by paging.
    let members = env.ok(&admin, &format!("/organizations/{acme_id}/members?limit=100")).await;
    assert_unknown_fields(&members, "members");
    let rows = items(&members);
    for row in rows {
        for role in items(&row["roles"]) {
            assert!(role.get("name").is_none(), "{role}");
            assert!(
                role["role_id"].is_string() && role["level"].is_string() && role["via_team"].is_boolean()
            );
        }
    }
    let unknown: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].get("sso_group").is_some()).collect();
    assert_eq!(unknown.len(), 1, "one unknown row");
    let u = unknown[0];
    assert_eq!(rows[u]["sso_group"]["name"], "Engineering SSO group");
    assert!(uuid::Uuid::parse_str(rows[u]["sso_group"]["id"].as_str().unwrap()).is_ok());
    assert!(rows[u]["user"].is_null() && rows[u]["team"].is_null() && rows[u]["invitation"].is_null());
    assert_eq!(rows[u]["roles"].as_array().unwrap().len(), 1);
    assert!(rows[u - 1]["team"].is_object() && rows[u + 1]["invitation"].is_object(), "after the teams");
    let mut paged = Vec::new();
    for offset in (0..rows.len() + 3).step_by(3) {
        let page = env.ok(&admin, &format!("/organizations/{acme_id}/members?limit=3&offset={offset}")).await;
        paged.extend(items(&page).iter().cloned());
    }
    assert_eq!(&paged, rows);
    let again = env.ok(&admin, &format!("/organizations/{acme_id}/members?limit=100")).await;
    assert_eq!(again, members, "a stable position");
}

/// Above `limit=100` every list answers the FastAPI 422; the default dialect keeps 1000.
#[tokio::test]
async fn limit_above_100_is_a_422_in_the_variant() {
    let env = Env::dialect(Dialect::Variant).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let lists = [
        "/users".to_string(),
        "/organizations".to_string(),
        "/workspaces".to_string(),
        format!("/organizations/{acme}/members"),
        format!("/organizations/{acme}/invitations"),
        format!("/organizations/{acme}/roles"),
        format!("/organizations/{acme}/teams"),
    ];
    for list in &lists {
        let (status, body) = env.get(&admin, &format!("{list}?limit=101")).await;
        assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, limit_error("101")), "{list}");
        let (status, _) = env.get(&admin, &format!("{list}?limit=100")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
    }
    let (_, body) = env.get(&admin, "/organizations?limit=5000").await;
    assert_eq!(body, limit_error("5000"));
    // Service accounts are not offered in the variant: their list answers 404 once the limit is valid.
    let sas = format!("/organizations/{acme}/service_accounts");
    assert_eq!(env.get(&admin, &format!("{sas}?limit=101")).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(env.get(&admin, &format!("{sas}?limit=100")).await.0, StatusCode::NOT_FOUND);

    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    assert_eq!(env.get(&admin, "/organizations?limit=1000").await.0, StatusCode::OK);
    let (status, body) = env.get(&admin, "/organizations?limit=1001").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["msg"], "Input should be less than or equal to 1000");
}

/// Organization Members: roles and teams answer 403 in the variant, 200 in the default dialect.
#[tokio::test]
async fn members_cannot_read_roles_and_teams_in_the_variant() {
    for (dialect, expected) in [(Dialect::Default, StatusCode::OK), (Dialect::Variant, StatusCode::FORBIDDEN)]
    {
        let env = Env::dialect(dialect).await;
        let creds = env.emu.credentials().clone();
        let member = env.token(&creds.member.key).await;
        let viewer = env.token(&creds.viewer.key).await;
        let acme = env.org_id(&member, "acme-ml").await;
        for list in ["roles", "teams"] {
            let (status, body) = env.get(&member, &format!("/organizations/{acme}/{list}")).await;
            assert_eq!(status, expected, "{dialect} {list}: {body}");
            if status == StatusCode::FORBIDDEN {
                assert_eq!(body["detail"][0], "IllegalOperationError");
            }
            assert_eq!(env.get(&viewer, &format!("/organizations/{acme}/{list}")).await.0, StatusCode::OK);
        }
        let (_, ws) = env.get(&member, "/workspaces").await;
        assert_eq!(names(&ws), vec!["acme-research"], "{dialect}");
    }
}

/// The default dialect serves no unknown fields, no unknown rows, and the contract's names.
#[tokio::test]
async fn default_dialect_keeps_the_contract_shapes() {
    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let members = env.ok(&admin, &format!("/organizations/{acme}/members?limit=100")).await;
    assert!(items(&members).iter().all(|r| r.get("sso_group").is_none() && r.get("x_revision").is_none()));
    assert!(items(&members).iter().flat_map(|r| items(&r["roles"]).iter()).all(|r| r["name"].is_string()));
    let invs = env.ok(&admin, &format!("/organizations/{acme}/invitations?limit=100")).await;
    // `role` as the contract has it; `roles` and `teams` beside it (this project's shape for 0.13's
    // several roles and teams), the invitation's own role first.
    assert!(items(&invs).iter().all(|i| i["role"]["name"].is_string()
        && i["roles"][0]["id"] == i["role"]["id"]
        && i["teams"].is_array()));
    let org = env.ok(&admin, "/organizations/acme-ml").await;
    assert_eq!(org["display_name"], "Acme ML");
    assert_eq!(org["owner"]["email"], "admin@acme-ml.example");
    let roles = env.ok(&admin, &format!("/organizations/{acme}/roles?limit=100")).await;
    assert!(items(&roles).iter().all(|r| r["level"].is_string()));
    let role = env.role_id(&admin, &acme, "Organization Member").await;
    let (status, inv) = env
        .call(
            Method::POST,
            Some(&admin),
            &format!("/organizations/{acme}/invitations"),
            Some(json!({"email": "list@acme-ml.example", "roles": [role]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the list form is accepted here too: {inv}");
    assert_eq!(inv["role"]["name"], "Organization Member");
}
