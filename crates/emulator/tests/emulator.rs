//! Integration tests of the emulator through HTTP, each against its own instance on a free port.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

struct Env {
    emu: RunningEmulator,
    http: reqwest::Client,
    url: String,
    /// The typed client of the control routes.
    ctl: Control,
}

impl Env {
    async fn start(config: EmulatorConfig) -> Env {
        let emu = start(EmulatorConfig { port: 0, ..config }).await.expect("emulator starts");
        let url = emu.base_url();
        let ctl = Control::new(&emu);
        Env { emu, http: reqwest::Client::new(), url, ctl }
    }

    async fn default() -> Env {
        Env::start(EmulatorConfig::default()).await
    }

    async fn login(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/auth/login", self.url))
            .form(form)
            .send()
            .await
            .expect("login request");
        let status = resp.status();
        (status, resp.json().await.expect("json body"))
    }

    async fn token(&self, key: &str) -> String {
        let (status, body) = self.login(&[("password", key)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().expect("access_token").to_string()
    }

    async fn call(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, Some(token), path, None).await
    }

    async fn control(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.control_call(Method::POST, path, Some(body)).await
    }

    /// A control request through the typed control client: (status, JSON body or the text).
    async fn control_call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let resp = self.ctl.send(method, path, body.as_ref()).await;
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn org_id(&self, token: &str, name: &str) -> String {
        let (status, org) = self.get(token, &format!("/organizations/{name}")).await;
        assert_eq!(status, StatusCode::OK, "{org}");
        org["id"].as_str().unwrap().to_string()
    }

    async fn role_id(&self, token: &str, org_id: &str, name: &str) -> String {
        let (status, roles) = self
            .get(token, &format!("/organizations/{org_id}/roles?name={}", name.replace(' ', "%20")))
            .await;
        assert_eq!(status, StatusCode::OK, "{roles}");
        roles[0]["id"].as_str().unwrap().to_string()
    }
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().expect("bare array").iter().map(|o| o["name"].as_str().unwrap().to_string()).collect()
}

/// Key exchange (personal token and `ZENPROKEY_` service-account key), username/password, and the
/// exact token response; wrong keys and missing or invalid bearers answer 401.
#[tokio::test]
async fn key_exchange_and_token_response() {
    let env = Env::default().await;
    let creds = env.emu.credentials().clone();
    let (status, body) = env.login(&[("password", &creds.admin.key)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    for key in ["refresh_token", "csrf_token", "scope", "device_id", "device_metadata"] {
        assert!(body.get(key).is_some_and(Value::is_null), "{key} in {body}");
    }
    let token = body["access_token"].as_str().unwrap();
    assert_ne!(token, creds.admin.key);
    let (status, me) = env.get(token, "/users/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], creds.admin.user_email);
    // The documented shape of `/users/me` (contract, section 4): these keys, and no `created`.
    for key in [
        "id",
        "username",
        "email",
        "name",
        "avatar_url",
        "company",
        "job_title",
        "metadata",
        "oauth_provider",
        "oauth_id",
        "password",
        "password_expired",
        "is_active",
        "is_superuser",
        "is_service_account",
        "organization_id",
    ] {
        assert!(me.get(key).is_some(), "{key} missing in {me}");
    }
    assert!(me.get("created").is_none(), "{me}");
    assert_eq!(me["is_active"], true);
    assert!(me["organization_id"].is_null(), "a user belongs to no one organization: {me}");

    assert!(creds.service_account.key.starts_with("ZENPROKEY_"));
    let sa = env.token(&creds.service_account.key).await;
    let (_, me) = env.get(&sa, "/users/me").await;
    assert_eq!(me["is_service_account"], true);
    // A service account's `email` is its username, not an address, and it names its organization.
    assert_eq!(me["email"], me["username"]);
    assert!(!me["email"].as_str().unwrap().contains('@'), "{me}");
    assert!(me["organization_id"].is_string(), "{me}");
    let (_, orgs) = env.get(&sa, "/organizations").await;
    assert_eq!(names(&orgs), vec!["orbit-labs"]);

    let (status, body) = env
        .login(&[("username", &creds.password_login.username), ("password", &creds.password_login.password)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = env.get(body["access_token"].as_str().unwrap(), "/users/me").await;
    assert_eq!(me["email"], creds.multi_org.user_email);

    let (status, body) = env.login(&[("password", "ZENPAT_not_a_key")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["detail"].is_string(), "{body}");
    let (status, _) = env.login(&[("username", &creds.password_login.username), ("password", "wrong")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = env.call(Method::GET, None, "/organizations", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["detail"].is_string());
    let (status, _) = env.get("not-a-token", "/organizations").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// `GET /organizations` is a bare array of the caller's organizations with the confirmed fields, and
/// billing fields only where the caller is Organization Admin or Billing Admin.
#[tokio::test]
async fn organization_list_shape_and_billing_visibility() {
    let env = Env::default().await;
    let creds = env.emu.credentials().clone();
    let multi = env.token(&creds.multi_org.key).await;
    let (status, orgs) = env.get(&multi, "/organizations").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&orgs), vec!["acme-ml", "orbit-labs", "tiny-startup"]);
    for org in orgs.as_array().unwrap() {
        for key in ["id", "name", "description", "created", "updated", "display_name", "logo_url", "owner"] {
            assert!(org.get(key).is_some(), "{key} missing in {org}");
        }
        assert!(uuid::Uuid::parse_str(org["id"].as_str().unwrap()).is_ok());
        assert!(chrono::DateTime::parse_from_rfc3339(org["created"].as_str().unwrap()).is_ok());
    }
    // Admin in acme-ml sees billing; Manager in orbit-labs and Viewer in tiny-startup do not.
    assert_eq!(orgs[0]["plan"], "enterprise");
    assert_eq!(orgs[0]["has_active_subscription"], true);
    for org in &orgs.as_array().unwrap()[1..] {
        for key in ["plan", "trial_expiry", "has_active_subscription"] {
            assert!(org.get(key).is_none(), "{key} leaked in {org}");
        }
    }
    let billing = env.token(&creds.billing_admin.key).await;
    let (_, org) = env.get(&billing, "/organizations/acme-ml").await;
    assert_eq!(org["plan"], "enterprise");
    let viewer = env.token(&creds.viewer.key).await;
    let (_, org) = env.get(&viewer, "/organizations/acme-ml").await;
    assert!(org.get("plan").is_none());
    // Lookup by id equals lookup by name; a non-member gets 404 in the list form.
    let (_, by_id) = env.get(&viewer, &format!("/organizations/{}", org["id"].as_str().unwrap())).await;
    assert_eq!(by_id, org);
    let (status, body) = env.get(&viewer, "/organizations/orbit-labs").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"][0], "KeyError");
}

/// offset/limit page every list in a stable order; limit outside 1..=1000 and bad UUIDs answer 422.
#[tokio::test]
async fn paging_and_validation() {
    let env = Env::default().await;
    let multi = env.token(&env.emu.credentials().multi_org.key).await;
    let mut seen = Vec::new();
    for offset in 0..4 {
        let (status, page) = env.get(&multi, &format!("/organizations?limit=1&offset={offset}")).await;
        assert_eq!(status, StatusCode::OK);
        seen.extend(names(&page));
    }
    assert_eq!(seen, vec!["acme-ml", "orbit-labs", "tiny-startup"]);

    let acme = env.org_id(&multi, "acme-ml").await;
    let (_, all) = env.get(&multi, &format!("/organizations/{acme}/members?limit=1000")).await;
    let all = all.as_array().unwrap().clone();
    assert!(all.len() > 10, "demo org has many member rows");
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let (_, page) =
            env.get(&multi, &format!("/organizations/{acme}/members?limit=4&offset={offset}")).await;
        let page = page.as_array().unwrap().clone();
        let short = page.len() < 4;
        paged.extend(page);
        offset += 4;
        if short {
            break;
        }
    }
    assert_eq!(paged, all);
    // Rows mix users (incl. service accounts), teams and pending invitations.
    assert!(all.iter().any(|r| r["user"]["is_service_account"] == true));
    assert!(all.iter().any(|r| r["team"].is_object() && !r["roles"].as_array().unwrap().is_empty()));
    assert!(all.iter().any(|r| r["invitation"]["status"] == "pending"));

    for bad in ["limit=1001", "limit=0", "offset=-1", "limit=abc"] {
        let (status, body) = env.get(&multi, &format!("/organizations?{bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(body["detail"][0]["loc"][0], "query", "{body}");
    }
    let (_, body) = env.get(&multi, "/organizations?limit=1001").await;
    assert_eq!(body["detail"][0]["loc"], json!(["query", "limit"]));
    let (status, _) = env.get(&multi, "/organizations?limit=1000").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = env.get(&multi, "/organizations/not-a-uuid/members").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"][0], "path");
    let (status, _) = env.get(&multi, &format!("/organizations/{}/members", uuid::Uuid::new_v4())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Viewer cannot invite (403); Admin can; a bad email is a FastAPI 422 on `email`; a duplicate is 409;
/// Member cannot list members and sees only its granted workspace.
#[tokio::test]
async fn role_enforcement_and_invitations() {
    let env = Env::default().await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let viewer = env.token(&creds.viewer.key).await;
    let member = env.token(&creds.member.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let role = env.role_id(&admin, &acme, "Organization Member").await;
    let path = format!("/organizations/{acme}/invitations");
    let invite = |email: &str| json!({"email": email, "role_id": role});

    let (status, body) = env.call(Method::POST, Some(&viewer), &path, Some(invite("a@b.example"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["detail"][0], "IllegalOperationError");

    let (status, inv) =
        env.call(Method::POST, Some(&admin), &path, Some(invite("new@acme-ml.example"))).await;
    assert_eq!(status, StatusCode::OK, "{inv}");
    assert_eq!(inv["status"], "pending");
    assert_eq!(inv["role"]["name"], "Organization Member");
    assert_eq!(inv["inviter"]["email"], creds.admin.user_email);
    assert_eq!(inv["organization_id"].as_str(), Some(acme.as_str()));

    let (status, body) = env.call(Method::POST, Some(&admin), &path, Some(invite("not an email"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail": [{"loc": ["body", "email"], "msg": "value is not a valid email address", "type": "value_error"}]})
    );
    let (status, _) = env.call(Method::POST, Some(&admin), &path, Some(invite("new@acme-ml.example"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) =
        env.call(Method::POST, Some(&admin), &path, Some(invite(&creds.viewer.user_email))).await;
    assert_eq!(status, StatusCode::CONFLICT, "existing member");
    let ws_role = env.role_id(&admin, &acme, "Workspace Viewer").await;
    let (status, body) = env
        .call(Method::POST, Some(&admin), &path, Some(json!({"email": "x@y.example", "role_id": ws_role})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "role_id"]));

    // Invitation list filters (booleans in any case) and revocation.
    let (_, pending) = env.get(&viewer, &format!("{path}?only_pending=True&limit=100")).await;
    let pending = pending.as_array().unwrap();
    assert!(pending.iter().all(|i| i["status"] == "pending"));
    assert!(pending.iter().any(|i| i["email"] == "new@acme-ml.example"));
    let (_, everything) = env.get(&viewer, &format!("{path}?only_pending=0&limit=100")).await;
    assert!(everything.as_array().unwrap().iter().any(|i| i["status"] == "expired"));
    let (_, one) = env.get(&viewer, &format!("{path}?email=new@acme-ml.example")).await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    let inv_path = format!("{path}/{}", inv["id"].as_str().unwrap());
    let (status, _) = env.call(Method::DELETE, Some(&viewer), &inv_path, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, revoked) = env.call(Method::DELETE, Some(&admin), &inv_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revoked["status"], "revoked");

    // Organization Member: org, roles and teams yes; members and invitations no; one workspace.
    let (status, _) = env.get(&member, "/organizations/acme-ml").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env.get(&member, &format!("/organizations/{acme}/teams")).await;
    assert_eq!(status, StatusCode::OK);
    for list in ["members", "invitations", "service_accounts"] {
        let (status, _) = env.get(&member, &format!("/organizations/{acme}/{list}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{list}");
    }
    let (_, ws) = env.get(&member, "/workspaces").await;
    assert_eq!(names(&ws), vec!["acme-research"]);
    let (_, ws) = env.get(&viewer, "/workspaces").await;
    assert_eq!(ws.as_array().unwrap().len(), 4);
    // Viewer cannot rename; Admin can; bad and duplicate names are refused.
    let org_path = format!("/organizations/{acme}");
    let (status, _) =
        env.call(Method::PATCH, Some(&viewer), &org_path, Some(json!({"description": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, org) =
        env.call(Method::PATCH, Some(&admin), &org_path, Some(json!({"description": "new"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((org["description"].as_str(), org["name"].as_str()), (Some("new"), Some("acme-ml")));
    let (status, _) =
        env.call(Method::PATCH, Some(&admin), &org_path, Some(json!({"name": "bad/name"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        env.call(Method::PATCH, Some(&admin), &org_path, Some(json!({"name": "orbit-labs"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// Role assignment: duplicate → 409, revoke of a missing assignment → 404, the last Organization
/// Admin cannot be removed (409); team membership add/remove with 409 on duplicates.
#[tokio::test]
async fn role_assignments_members_and_teams() {
    let env = Env::default().await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let manager = env.token(&creds.manager.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let (_, me_viewer) = env.get(&env.token(&creds.viewer.key).await, "/users/me").await;
    let viewer_id = me_viewer["id"].as_str().unwrap().to_string();
    let manager_role = env.role_id(&admin, &acme, "Organization Manager").await;
    let viewer_role = env.role_id(&admin, &acme, "Organization Viewer").await;
    let assign = format!("/roles/{manager_role}/assignments?user_id={viewer_id}");

    let (status, _) = env.call(Method::POST, Some(&manager), &assign, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = env.call(Method::POST, Some(&manager), &assign, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = env.call(Method::DELETE, Some(&admin), &assign, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = env.call(Method::DELETE, Some(&admin), &assign, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"][0], "KeyError");
    // A workspace-level role needs a workspace of the same organization.
    let ws_role = env.role_id(&admin, &acme, "Workspace Viewer").await;
    let (status, _) = env
        .call(Method::POST, Some(&admin), &format!("/roles/{ws_role}/assignments?user_id={viewer_id}"), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let viewer = env.token(&creds.viewer.key).await;
    let (status, _) = env
        .call(
            Method::POST,
            Some(&viewer),
            &format!("/roles/{viewer_role}/assignments?user_id={viewer_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Removing members: the viewer goes; then the two admins, the last of whom must stay.
    let members = format!("/organizations/{acme}/members");
    let (status, _) =
        env.call(Method::DELETE, Some(&admin), &format!("{members}?user_id={viewer_id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env.get(&viewer, "/organizations/acme-ml").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "removed member no longer sees the org");
    let multi = env.token(&creds.multi_org.key).await;
    let (_, demo_me) = env.get(&multi, "/users/me").await;
    let (_, admin_me) = env.get(&admin, "/users/me").await;
    let (status, _) = env
        .call(
            Method::DELETE,
            Some(&admin),
            &format!("{members}?user_id={}", demo_me["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env
        .call(
            Method::DELETE,
            Some(&admin),
            &format!("{members}?user_id={}", admin_me["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Teams.
    let (_, teams) = env.get(&admin, &format!("/organizations/{acme}/teams")).await;
    let team = &teams[0];
    let count = team["member_count"].as_u64().unwrap();
    let add = format!(
        "/teams/{}/members?user_id={}",
        team["id"].as_str().unwrap(),
        admin_me["id"].as_str().unwrap()
    );
    let (status, _) = env.call(Method::POST, Some(&admin), &add, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env.call(Method::POST, Some(&admin), &add, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, teams) = env.get(&admin, &format!("/organizations/{acme}/teams")).await;
    assert_eq!(teams[0]["member_count"].as_u64(), Some(count + 1));
    let (status, _) = env.call(Method::DELETE, Some(&admin), &add, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env.call(Method::DELETE, Some(&admin), &add, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Workspaces: every status in the demo data, filters, the nested organization, and a PATCH that
/// shows `pending` for the transition time and then the desired state.
#[tokio::test]
async fn workspaces_statuses_filters_and_transition() {
    let env =
        Env::start(EmulatorConfig { workspace_transition: Duration::from_millis(300), ..Default::default() })
            .await;
    let creds = env.emu.credentials().clone();
    let multi = env.token(&creds.multi_org.key).await;
    let (_, ws) = env.get(&multi, "/workspaces?limit=100").await;
    let mut statuses: Vec<String> =
        ws.as_array().unwrap().iter().map(|w| w["status"].as_str().unwrap().to_string()).collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses, vec!["available", "deactivated", "deleted", "failed", "not_initialized", "pending"]);
    let w = &ws[0];
    for key in [
        "id",
        "name",
        "display_name",
        "description",
        "organization",
        "desired_state",
        "state_reason",
        "status",
        "zenml_service",
    ] {
        assert!(w.get(key).is_some(), "{key} missing in {w}");
    }
    assert!(w["organization"]["created"].is_string());

    let (_, failed) = env.get(&multi, "/workspaces?status=failed").await;
    assert_eq!(names(&failed), vec!["acme-migration"]);
    let (_, by_name) = env.get(&multi, "/workspaces?workspace_name=orbit-main").await;
    assert_eq!(names(&by_name), vec!["orbit-main"]);
    let url = by_name[0]["zenml_service"]["status"]["server_url"].as_str().unwrap().to_string();
    let (_, by_url) = env.get(&multi, &format!("/workspaces?url={url}")).await;
    assert_eq!(names(&by_url), vec!["orbit-main"]);
    let acme = env.org_id(&multi, "acme-ml").await;
    let (_, in_acme) = env.get(&multi, &format!("/workspaces?organization_id={acme}")).await;
    assert_eq!(in_acme.as_array().unwrap().len(), 4);
    let (status, _) = env.get(&multi, "/workspaces?status=sleeping").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, uninit) = env.get(&multi, "/workspaces/tiny-first").await;
    assert_eq!(uninit["zenml_service"], json!({"configuration": null, "status": null}));

    let (_, legacy) = env.get(&multi, "/workspaces/acme-legacy").await;
    assert_eq!(legacy["status"], "deactivated");
    let path = format!("/workspaces/{}", legacy["id"].as_str().unwrap());
    let viewer = env.token(&creds.viewer.key).await;
    let (status, _) =
        env.call(Method::PATCH, Some(&viewer), &path, Some(json!({"desired_state": "available"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        env.call(Method::PATCH, Some(&multi), &path, Some(json!({"desired_state": "failed"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, patched) =
        env.call(Method::PATCH, Some(&multi), &path, Some(json!({"desired_state": "available"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (patched["status"].as_str(), patched["desired_state"].as_str()),
        (Some("pending"), Some("available"))
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (_, after) = env.get(&multi, &path).await;
    assert_eq!(after["status"], "available");
}

/// Tokens stop working after `token_ttl`, and revoked tokens answer 401.
#[tokio::test]
async fn tokens_expire_and_can_be_revoked() {
    let env = Env::start(EmulatorConfig { token_ttl: Duration::from_secs(1), ..Default::default() }).await;
    let key = env.emu.credentials().admin.key.clone();
    let (_, body) = env.login(&[("password", &key)]).await;
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(env.get(&token, "/users/me").await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (status, body) = env.get(&token, "/users/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["detail"].is_string());

    let env = Env::default().await;
    let a = env.token(&key).await;
    let b = env.token(&key).await;
    let (status, body) = env.control("tokens/revoke", json!({"token": a})).await;
    assert_eq!((status, body["revoked"].as_u64()), (StatusCode::OK, Some(1)));
    assert_eq!(env.get(&a, "/users/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(env.get(&b, "/users/me").await.0, StatusCode::OK);
    env.control("tokens/revoke", json!({})).await;
    assert_eq!(env.get(&b, "/users/me").await.0, StatusCode::UNAUTHORIZED);
}

async fn device_start(env: &Env) -> Value {
    let resp = env
        .http
        .post(format!("{}/auth/device_authorization", env.url))
        .form(&[("client_id", "6f2a2b39-7f3e-4a55-9f6e-0d6c1e7a9b10")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn device_poll(env: &Env, auth: &Value) -> (StatusCode, Value) {
    env.login(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", "6f2a2b39-7f3e-4a55-9f6e-0d6c1e7a9b10"),
        ("device_code", auth["device_code"].as_str().unwrap()),
    ])
    .await
}

/// Device flow: pending → slow_down when polled too fast → approved by the control route → token;
/// deny → access_denied; an old device code → expired_token.
#[tokio::test]
async fn device_flow_pending_slow_down_approve_deny_expire() {
    let env = Env::start(EmulatorConfig {
        device_poll_interval: 1,
        device_code_ttl: Duration::from_secs(30),
        ..Default::default()
    })
    .await;
    let auth = device_start(&env).await;
    let code = auth["user_code"].as_str().unwrap();
    assert_eq!(auth["verification_uri"], "/devices/verify");
    assert_eq!(auth["verification_uri_complete"], format!("/devices/verify?user_code={code}"));
    assert_eq!((auth["interval"].as_u64(), auth["expires_in"].as_u64()), (Some(1), Some(30)));
    assert_eq!(
        device_poll(&env, &auth).await,
        (StatusCode::BAD_REQUEST, json!({"error": "authorization_pending"}))
    );
    assert_eq!(device_poll(&env, &auth).await, (StatusCode::BAD_REQUEST, json!({"error": "slow_down"})));
    let (status, _) = env.control("devices/approve", json!({"user_code": code})).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, token) = device_poll(&env, &auth).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert!(uuid::Uuid::parse_str(token["device_id"].as_str().unwrap()).is_ok());
    let (_, me) = env.get(token["access_token"].as_str().unwrap(), "/users/me").await;
    assert_eq!(me["email"], env.emu.credentials().multi_org.user_email);

    let denied = device_start(&env).await;
    env.control("devices/deny", json!({"user_code": denied["user_code"]})).await;
    let (status, body) = device_poll(&env, &denied).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("access_denied")));
    assert!(body["error_description"].is_string());

    let (status, _) = env.control("devices/approve", json!({"user_code": "ZZZZ-ZZZZ"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let env =
        Env::start(EmulatorConfig { device_code_ttl: Duration::from_secs(1), ..Default::default() }).await;
    let expiring = device_start(&env).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = device_poll(&env, &expiring).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("expired_token")));
    assert!(body["error_description"].is_string());
    let (status, _) = env.control("devices/approve", json!({"user_code": expiring["user_code"]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an expired request cannot be approved");
}

/// The verification page shows the (escaped) code with Approve/Deny, and its form approves the login.
#[tokio::test]
async fn device_verification_page_approves() {
    let env = Env::start(EmulatorConfig { device_poll_interval: 0, ..Default::default() }).await;
    let auth = device_start(&env).await;
    let page_url = format!("{}{}", env.url, auth["verification_uri_complete"].as_str().unwrap());
    let html = env.http.get(&page_url).send().await.unwrap().text().await.unwrap();
    let code = auth["user_code"].as_str().unwrap();
    assert!(html.contains(code) && html.contains("Approve") && html.contains("Deny"));
    let evil =
        env.http.get(format!("{}/devices/verify?user_code=%3Cscript%3E", env.url)).send().await.unwrap();
    assert_eq!(evil.status(), StatusCode::NOT_FOUND);
    assert!(!evil.text().await.unwrap().contains("<script>"));
    let resp = env
        .http
        .post(format!("{}/devices/verify", env.url))
        .form(&[("user_code", code), ("action", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(device_poll(&env, &auth).await.0, StatusCode::OK);

    let env = Env::start(EmulatorConfig { auto_approve: true, ..Default::default() }).await;
    let auth = device_start(&env).await;
    assert_eq!(device_poll(&env, &auth).await.0, StatusCode::OK, "auto-approve answers the first poll");
}

/// Each fault kind, the filters, clearing, and that control routes are never faulted; stats count.
#[tokio::test]
async fn fault_injection() {
    let env = Env::default().await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    env.control_call(Method::POST, "stats/reset", None).await;

    env.control("faults", json!({"kind": "status", "status": 503, "count": 2})).await;
    assert_eq!(env.get(&admin, "/organizations").await.0, StatusCode::SERVICE_UNAVAILABLE);
    let (status, body) = env.get(&admin, "/users/me").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body["detail"].is_string());
    assert_eq!(env.get(&admin, "/organizations").await.0, StatusCode::OK, "count used up");

    env.control("faults", json!({"kind": "rate_limit", "retry_after": 1, "count": 1})).await;
    let resp = env.http.get(format!("{}/users/me", env.url)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "1");

    env.control("faults", json!({"kind": "malformed", "count": 1})).await;
    let resp = env.http.get(format!("{}/organizations", env.url)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.json::<Value>().await.is_err());

    env.control("faults", json!({"kind": "drop", "count": 1})).await;
    let err = env
        .http
        .get(format!("{}/organizations", env.url))
        .bearer_auth(&admin)
        .send()
        .await
        .expect_err("dropped connection is a network error");
    assert!(err.status().is_none());
    assert_eq!(env.get(&admin, "/organizations").await.0, StatusCode::OK);

    env.control("faults", json!({"kind": "latency", "ms": 300})).await;
    let t = Instant::now();
    assert_eq!(env.get(&admin, "/users/me").await.0, StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    env.control_call(Method::GET, "stats", None).await;
    assert!(t.elapsed() < Duration::from_millis(300), "control routes are not delayed");
    env.control_call(Method::DELETE, "faults", None).await;

    // Filters by path prefix and method.
    env.control(
        "faults",
        json!({"kind": "status", "status": 500, "path_prefix": "/workspaces", "method": "get"}),
    )
    .await;
    assert_eq!(env.get(&admin, "/organizations").await.0, StatusCode::OK);
    assert_eq!(env.get(&admin, "/workspaces").await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(env.get(&admin, "/workspaces").await.0, StatusCode::INTERNAL_SERVER_ERROR, "no count: stays");
    env.control_call(Method::DELETE, "faults", None).await;
    assert_eq!(env.get(&admin, "/workspaces").await.0, StatusCode::OK);

    // A ratio hits some requests, not all.
    env.control("faults", json!({"kind": "status", "status": 500, "ratio": 0.5})).await;
    let mut failures = 0;
    for _ in 0..40 {
        if env.get(&admin, "/users/me").await.0 == StatusCode::INTERNAL_SERVER_ERROR {
            failures += 1;
        }
    }
    assert!((5..=35).contains(&failures), "{failures} of 40 failed");
    env.control_call(Method::DELETE, "faults", None).await;
    let (status, _) = env.control("faults", json!({"kind": "status"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, stats) = env.control_call(Method::GET, "stats", None).await;
    assert_eq!(stats["by_route"]["GET /workspaces"], 3);
    assert_eq!(stats["requests"], 52);
}

/// Two starts serve identical data.
#[tokio::test]
async fn demo_data_is_deterministic() {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let env = Env::default().await;
        let multi = env.token(&env.emu.credentials().multi_org.key).await;
        let (_, orgs) = env.get(&multi, "/organizations").await;
        let (_, ws) = env.get(&multi, "/workspaces?limit=100").await;
        let acme = orgs[0]["id"].as_str().unwrap().to_string();
        let (_, members) = env.get(&multi, &format!("/organizations/{acme}/members?limit=100")).await;
        seen.push((orgs, ws, members));
        env.emu.shutdown().await;
    }
    assert_eq!(seen[0], seen[1]);
}

/// `scale` adds N organizations; the first has 100*N members, paged in full.
#[tokio::test]
async fn scale_generates_large_data_fast() {
    let t = Instant::now();
    let env = Env::start(EmulatorConfig { scale: Some(30), ..Default::default() }).await;
    assert!(t.elapsed() < Duration::from_secs(10));
    let multi = env.token(&env.emu.credentials().multi_org.key).await;
    let (_, orgs) = env.get(&multi, "/organizations?limit=1000").await;
    assert_eq!(orgs.as_array().unwrap().len(), 33);
    let big = env.org_id(&multi, "scale-org-0001").await;
    let mut users = 0;
    let mut offset = 0;
    loop {
        let (_, page) =
            env.get(&multi, &format!("/organizations/{big}/members?limit=1000&offset={offset}")).await;
        let page = page.as_array().unwrap();
        users += page.iter().filter(|r| r["user"].is_object()).count();
        if page.len() < 1000 {
            break;
        }
        offset += 1000;
    }
    assert_eq!(users, 3000 + 2, "generated members plus the two admins");
}

/// Users by email, the read-only service-account list, and creating an organization (the caller
/// becomes its Organization Admin; names are validated and unique).
#[tokio::test]
async fn users_service_accounts_and_org_creation() {
    let env = Env::default().await;
    let creds = env.emu.credentials().clone();
    let viewer = env.token(&creds.viewer.key).await;
    let (status, users) = env.get(&viewer, &format!("/users?email={}", creds.manager.user_email)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["email"], creds.manager.user_email);

    let acme = env.org_id(&viewer, "acme-ml").await;
    let (status, sas) = env.get(&viewer, &format!("/organizations/{acme}/service_accounts")).await;
    assert_eq!(status, StatusCode::OK);
    let sas = sas.as_array().unwrap();
    assert!(!sas.is_empty());
    assert!(sas.iter().all(|u| u["is_service_account"] == true));

    let (status, org) = env
        .call(
            Method::POST,
            Some(&viewer),
            "/organizations",
            Some(json!({"name": "viewer-lab", "description": "mine"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{org}");
    assert_eq!(org["plan"], "free", "the creator is Organization Admin and sees billing");
    assert_eq!(org["owner"]["email"], creds.viewer.user_email);
    let (_, orgs) = env.get(&viewer, "/organizations").await;
    assert_eq!(names(&orgs), vec!["acme-ml", "viewer-lab"]);
    let (_, roles) = env
        .get(&viewer, &format!("/organizations/{}/roles?level=organization", org["id"].as_str().unwrap()))
        .await;
    assert_eq!(roles.as_array().unwrap().len(), 5);
    let (status, _) =
        env.call(Method::POST, Some(&viewer), "/organizations", Some(json!({"name": "viewer-lab"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) =
        env.call(Method::POST, Some(&viewer), "/organizations", Some(json!({"name": ""}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        env.call(Method::POST, Some(&viewer), "/organizations", Some(json!({"name": "x".repeat(51)}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
