//! What client tests lean on besides the shapes: the custom role allowed to invite, the paging faults,
//! the request log, and the device metadata kept from the `User-Agent`.

mod common;

use common::{items, names, Env};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

/// The People Manager (a custom role) creates, revokes and so resends invitations; every other change
/// stays 403. Another custom role still changes nothing.
#[tokio::test]
async fn people_manager_may_invite_and_nothing_else() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let creds = env.emu.credentials().clone();
        assert_eq!(creds.people_manager.role, "People Manager");
        assert_eq!(creds.people_manager.organization, "acme-ml");
        let pm = env.token(&creds.people_manager.key).await;
        let me = env.ok(&pm, "/users/me").await;
        assert_eq!(
            (me["email"].as_str(), me["name"].as_str()),
            (Some("people-manager@acme-ml.example"), Some("Acme People Manager"))
        );
        let acme = env.org_id(&pm, "acme-ml").await;
        let role = env.role_id(&pm, &acme, "People Manager").await;
        let roles = env.ok(&pm, &format!("/organizations/{acme}/roles?name=People%20Manager")).await;
        assert_eq!(roles[0]["system_managed"], false);
        assert_eq!(roles[0]["description"], "Invites people and manages invitations (custom role)");
        assert_eq!(
            env.get(&pm, &format!("/organizations/{acme}/members")).await.0,
            StatusCode::OK,
            "reads all"
        );

        let member_role = env.role_id(&pm, &acme, "Organization Member").await;
        let path = format!("/organizations/{acme}/invitations");
        let invite = json!({"email": "hire@acme-ml.example", "role_id": member_role});
        let (status, inv) = env.call(Method::POST, Some(&pm), &path, Some(invite.clone())).await;
        assert_eq!(status, StatusCode::OK, "{dialect}: {inv}");
        assert_eq!(inv["inviter"]["email"], "people-manager@acme-ml.example");
        // Resend = revoke, then invite again.
        let inv_path = format!("{path}/{}", inv["id"].as_str().unwrap());
        let (status, revoked) = env.call(Method::DELETE, Some(&pm), &inv_path, None).await;
        assert_eq!((status, revoked["status"].as_str()), (StatusCode::OK, Some("revoked")));
        let (status, again) = env.call(Method::POST, Some(&pm), &path, Some(invite)).await;
        assert_eq!((status, again["status"].as_str()), (StatusCode::OK, Some("pending")), "{again}");

        let viewer_id = env.ok(&env.token(&creds.viewer.key).await, "/users/me").await["id"].clone();
        let viewer_id = viewer_id.as_str().unwrap();
        let teams = env.ok(&pm, &format!("/organizations/{acme}/teams")).await;
        let ws = env.ok(&pm, "/workspaces/acme-prod").await;
        let forbidden = [
            (Method::POST, format!("/roles/{member_role}/assignments?user_id={viewer_id}"), None),
            (
                Method::DELETE,
                format!("/roles/{role}/assignments?user_id={}", me["id"].as_str().unwrap()),
                None,
            ),
            (Method::DELETE, format!("/organizations/{acme}/members?user_id={viewer_id}"), None),
            (Method::PATCH, format!("/organizations/{acme}"), Some(json!({"description": "x"}))),
            (
                Method::PATCH,
                format!("/workspaces/{}", ws["id"].as_str().unwrap()),
                Some(json!({"description": "x"})),
            ),
            (
                Method::POST,
                format!("/teams/{}/members?user_id={viewer_id}", teams[0]["id"].as_str().unwrap()),
                None,
            ),
        ];
        for (method, path, body) in forbidden {
            let (status, resp) = env.call(method.clone(), Some(&pm), &path, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{dialect} {method} {path}: {resp}");
        }

        let auditor = env.token_as("auditor@acme-ml.example").await;
        let (status, _) = env
            .call(
                Method::POST,
                Some(&auditor),
                &path,
                Some(json!({"email": "x@acme-ml.example", "role_id": member_role})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "other custom roles still change nothing");
        let (status, _) = env
            .call(Method::DELETE, Some(&auditor), &format!("{path}/{}", again["id"].as_str().unwrap()), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

/// `page_cap` serves at most N items whatever `limit` says (no 422 even above the variant's maximum);
/// `ignore_offset` serves every page as the first; both touch list requests only, honour the filters
/// and their count.
#[tokio::test]
async fn paging_faults() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let multi = env.token(&env.emu.credentials().multi_org.key).await;
        let all = names(&env.ok(&multi, "/organizations").await);
        assert_eq!(all.len(), 3);

        let (status, _) = env.control("faults", json!({"kind": "page_cap"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "page_cap needs a limit");
        let (status, rules) =
            env.control("faults", json!({"kind": "page_cap", "limit": 2, "count": 2})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rules["rules"][0], json!({"kind": "page_cap", "limit": 2, "count": 2}));
        assert_eq!(env.get(&multi, "/users/me").await.0, StatusCode::OK, "not a list: the count stays");
        assert_eq!(names(&env.ok(&multi, "/organizations?limit=10").await), all[..2]);
        assert_eq!(names(&env.ok(&multi, "/organizations?limit=500").await), all[..2], "{dialect}: silent");
        assert_eq!(names(&env.ok(&multi, "/organizations").await), all, "used up");
        env.control_call(Method::DELETE, "faults", None).await;

        env.control("faults", json!({"kind": "page_cap", "limit": 1, "path_prefix": "/workspaces"})).await;
        assert_eq!(names(&env.ok(&multi, "/organizations").await), all);
        assert_eq!(items(&env.ok(&multi, "/workspaces?limit=50").await).len(), 1);
        assert_eq!(items(&env.ok(&multi, "/workspaces").await).len(), 1, "no count: stays");
        env.control_call(Method::DELETE, "faults", None).await;

        env.control("faults", json!({"kind": "ignore_offset", "method": "GET"})).await;
        let first = env.ok(&multi, "/organizations?limit=1").await;
        for offset in 1..4 {
            assert_eq!(env.ok(&multi, &format!("/organizations?limit=1&offset={offset}")).await, first);
        }
        env.control("faults", json!({"kind": "page_cap", "limit": 2})).await;
        let acme = env.org_id(&multi, "acme-ml").await;
        let rows = env.ok(&multi, &format!("/organizations/{acme}/members?offset=5&limit=100")).await;
        let head = env.ok(&multi, &format!("/organizations/{acme}/members?limit=2")).await;
        assert_eq!(rows, head, "both rules at once");
        env.control_call(Method::DELETE, "faults", None).await;
        assert_ne!(env.ok(&multi, "/organizations?limit=1&offset=1").await, first);
    }
}

/// The request log: API requests only, with the raw query, the `User-Agent` and the form field names
/// (values only for grant_type and client_id); it keeps the last 500 and can be reset.
#[tokio::test]
async fn request_log() {
    let env = Env::dialect(Dialect::Default).await;
    let key = env.emu.credentials().admin.key.clone();
    let token = env.token(&key).await;
    env.control_call(Method::POST, "requests/reset", None).await;
    env.login(&[("grant_type", "zenml_api_key"), ("password", &key)]).await;
    env.http
        .get(format!("{}/workspaces?status=available&limit=5", env.url))
        .bearer_auth(&token)
        .header("User-Agent", "client-test/1.0")
        .send()
        .await
        .unwrap();
    let auth = env.device_start(None).await;
    env.device_poll(&auth).await;
    env.control("stats/reset", json!({})).await;

    let (status, log) = env.control_call(Method::GET, "requests", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        log,
        json!([
            {"method": "POST", "path": "/auth/login", "query": "", "user_agent": null,
             "form": {"grant_type": "zenml_api_key", "password": "<redacted>"}},
            {"method": "GET", "path": "/workspaces", "query": "status=available&limit=5",
             "user_agent": "client-test/1.0", "form": {}},
            {"method": "POST", "path": "/auth/device_authorization", "query": "", "user_agent": null,
             "form": {"client_id": common::CLIENT_ID}},
            {"method": "POST", "path": "/auth/login", "query": "", "user_agent": null,
             "form": {"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                      "client_id": common::CLIENT_ID, "device_code": "<redacted>"}},
        ])
    );
    // The query is the one sent, before any paging fault rewrote it.
    env.control("faults", json!({"kind": "ignore_offset"})).await;
    env.ok(&token, "/organizations?offset=2").await;
    let (_, log) = env.control_call(Method::GET, "requests", None).await;
    assert_eq!(log.as_array().unwrap().last().unwrap()["query"], "offset=2");
    env.control_call(Method::DELETE, "faults", None).await;

    let (_, cleared) = env.control_call(Method::POST, "requests/reset", None).await;
    assert_eq!(cleared, json!([]));
    for i in 0..505 {
        env.ok(&token, &format!("/users/me?n={i}")).await;
    }
    let (_, log) = env.control_call(Method::GET, "requests", None).await;
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 500);
    assert_eq!((log[0]["query"].as_str(), log[499]["query"].as_str()), (Some("n=5"), Some("n=504")));
}

/// The device's `User-Agent` keeps only its `Host/…` and `OS/…` tokens, shown as `device_metadata`.
#[tokio::test]
async fn device_metadata_comes_from_the_user_agent() {
    let env = Env::dialect(Dialect::Default).await;
    let cases: [(Option<&str>, Value); 3] = [
        (
            Some("Host/my-laptop ZenML/0.84.0 Python/3.12.1 OS/Linux-6.8"),
            json!({"host": "my-laptop", "os": "Linux-6.8"}),
        ),
        (Some("zenml-pro-desktop/0.1.0 OS/macOS"), json!({"os": "macOS"})),
        (None, Value::Null),
    ];
    for (ua, expected) in cases {
        let auth = env.device_start(ua).await;
        env.control("devices/approve", json!({"user_code": auth["user_code"]})).await;
        let (status, token) = env.device_poll(&auth).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        assert_eq!(token["device_metadata"], expected, "{ua:?}");
        assert!(token["device_id"].is_string());
    }
}
