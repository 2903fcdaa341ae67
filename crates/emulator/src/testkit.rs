//! A typed client of the control routes (`/_emulator/...`) for tests, behind the `testkit` feature:
//! [`Control`] carries a running emulator's base URL and control token, so a test need not build
//! control requests itself.
//!
//! Every method but [`Control::send`] panics when the emulator does not answer with a 2xx status (the
//! message names the route, the status and the body); the answer's JSON is returned (`null` when the
//! body is empty or not JSON).

use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

use crate::{RunningEmulator, CONTROL_HEADER};

/// Accept or refuse a kind of token on the key routes (`POST /_emulator/token_types`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPolicy {
    Accept,
    Refuse,
}

impl TokenPolicy {
    fn as_str(self) -> &'static str {
        match self {
            TokenPolicy::Accept => "accept",
            TokenPolicy::Refuse => "refuse",
        }
    }
}

/// The control routes of one running emulator.
#[derive(Clone, Debug)]
pub struct Control {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl Control {
    /// A client of `emu`'s control routes.
    pub fn new(emu: &RunningEmulator) -> Self {
        Control { http: reqwest::Client::new(), base_url: emu.base_url(), token: emu.control_token().into() }
    }

    /// `<base_url>/_emulator/<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/_emulator/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// Sends one control request (with the control token; `body` as JSON when given) and returns the
    /// response as it is, whatever its status.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> reqwest::Response {
        let mut req = self.http.request(method, self.url(path)).header(CONTROL_HEADER, &self.token);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.unwrap_or_else(|e| panic!("control {path}: {e}"))
    }

    /// Sends one control request; panics unless it answers 2xx; returns its JSON (`null` if none).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let resp = self.send(method, path, body.as_ref()).await;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "control {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// `POST /_emulator/<path>` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(Method::POST, path, Some(body)).await
    }

    /// `GET /_emulator/<path>`.
    pub async fn get(&self, path: &str) -> Value {
        self.call(Method::GET, path, None).await
    }

    /// `DELETE /_emulator/<path>`.
    pub async fn delete(&self, path: &str) -> Value {
        self.call(Method::DELETE, path, None).await
    }

    // ---- faults ----

    /// Appends a fault rule (`POST /_emulator/faults`), e.g. `json!({"kind": "status", "status": 503})`;
    /// returns `{"rules": [...]}`.
    pub async fn add_fault(&self, rule: Value) -> Value {
        self.post("faults", rule).await
    }

    /// The fault rules in force (`GET /_emulator/faults`).
    pub async fn faults(&self) -> Value {
        self.get("faults").await
    }

    /// Removes every fault rule (`DELETE /_emulator/faults`).
    pub async fn clear_faults(&self) -> Value {
        self.delete("faults").await
    }

    // ---- stats and the request log ----

    /// `{"requests", "by_route": {"GET /organizations": n}}` (`GET /_emulator/stats`).
    pub async fn stats(&self) -> Value {
        self.get("stats").await
    }

    /// How many API requests were served since the start or the last reset.
    pub async fn request_count(&self) -> u64 {
        self.stats().await["requests"].as_u64().expect("stats.requests")
    }

    /// `POST /_emulator/stats/reset`.
    pub async fn reset_stats(&self) -> Value {
        self.call(Method::POST, "stats/reset", None).await
    }

    /// The last API requests, oldest first (`GET /_emulator/requests`).
    pub async fn requests(&self) -> Vec<Value> {
        match self.get("requests").await {
            Value::Array(items) => items,
            other => panic!("control requests: not a list: {other}"),
        }
    }

    /// `POST /_emulator/requests/reset`.
    pub async fn reset_requests(&self) -> Value {
        self.call(Method::POST, "requests/reset", None).await
    }

    // ---- tokens and devices ----

    /// Whether the key routes take key-exchange and automation tokens (`POST /_emulator/token_types`;
    /// `None` keeps a setting); returns the settings in force.
    pub async fn token_types(
        &self,
        key_exchange: Option<TokenPolicy>,
        api_token: Option<TokenPolicy>,
    ) -> Value {
        let mut body = serde_json::Map::new();
        if let Some(p) = key_exchange {
            body.insert("key_exchange".into(), json!(p.as_str()));
        }
        if let Some(p) = api_token {
            body.insert("api_token".into(), json!(p.as_str()));
        }
        self.post("token_types", Value::Object(body)).await
    }

    /// Every live token: `[{"kind", "token", "expires_in"}]` (`GET /_emulator/tokens`).
    pub async fn tokens(&self) -> Vec<Value> {
        match self.get("tokens").await {
            Value::Array(items) => items,
            other => panic!("control tokens: not a list: {other}"),
        }
    }

    /// Revokes one token, or every token with `None` (`POST /_emulator/tokens/revoke`).
    pub async fn revoke_tokens(&self, token: Option<&str>) -> Value {
        let body = token.map_or_else(|| json!({}), |t| json!({ "token": t }));
        self.post("tokens/revoke", body).await
    }

    /// Approves a pending device login, as `user_email` or the demo user (`POST /_emulator/devices/approve`).
    pub async fn approve_device(&self, user_code: impl Serialize, user_email: Option<&str>) -> Value {
        let mut body = json!({ "user_code": user_code });
        if let Some(email) = user_email {
            body["user_email"] = json!(email);
        }
        self.post("devices/approve", body).await
    }

    /// Denies a pending device login (`POST /_emulator/devices/deny`).
    pub async fn deny_device(&self, user_code: impl Serialize) -> Value {
        self.post("devices/deny", json!({ "user_code": user_code })).await
    }

    // ---- people ----

    /// Accepts a pending invitation (`POST /_emulator/invitations/accept`), chosen by `{"id"?,
    /// "email"?, "organization_id"?}`.
    pub async fn accept_invitation(&self, which: Value) -> Value {
        self.post("invitations/accept", which).await
    }

    /// Marks a user active or inactive (`POST /_emulator/users/active`).
    pub async fn set_user_active(&self, email: impl Serialize, active: bool) -> Value {
        self.post("users/active", json!({ "email": email, "active": active })).await
    }

    /// Changes a user's display name to any text (`POST /_emulator/users/rename`).
    pub async fn rename_user(&self, email: &str, name: &str) -> Value {
        self.post("users/rename", json!({ "email": email, "name": name })).await
    }

    // ---- workspaces ----

    /// Moves a workspace to a status at once (`POST /_emulator/workspaces/status`).
    pub async fn set_workspace_status(&self, id: impl Serialize, status: &str) -> Value {
        self.post("workspaces/status", json!({ "id": id, "status": status })).await
    }

    /// Serves a workspace with this `workspace_type` (`POST /_emulator/workspaces/type`).
    pub async fn set_workspace_type(&self, id: impl Serialize, workspace_type: &str) -> Value {
        self.post("workspaces/type", json!({ "id": id, "workspace_type": workspace_type })).await
    }

    /// The next transition (of workspace `id`, or of any) ends in `failed` (`POST
    /// /_emulator/workspaces/fail`).
    pub async fn fail_next_transition(&self, id: Option<&str>, reason: Option<&str>) -> Value {
        self.post("workspaces/fail", json!({ "id": id, "reason": reason })).await
    }

    /// Transitions in progress (of workspace `id`, or all) end now (`POST /_emulator/workspaces/settle`).
    pub async fn settle_workspaces(&self, id: Option<&str>) -> Value {
        self.post("workspaces/settle", json!({ "id": id })).await
    }
}
