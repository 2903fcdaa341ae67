//! An emulator on a free port and an HTTP client, for the dialect, document and client-test tests.
// Each test file uses a different part of this helper.
#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, RunningEmulator};

pub const CLIENT_ID: &str = "6f2a2b39-7f3e-4a55-9f6e-0d6c1e7a9b10";

pub struct Env {
    pub emu: RunningEmulator,
    pub http: reqwest::Client,
    pub url: String,
    /// The typed client of the control routes.
    pub ctl: Control,
}

impl Env {
    pub async fn start(config: EmulatorConfig) -> Env {
        let emu = start(EmulatorConfig { port: 0, ..config }).await.expect("emulator starts");
        let url = emu.base_url();
        let ctl = Control::new(&emu);
        Env { emu, http: reqwest::Client::new(), url, ctl }
    }

    pub async fn dialect(dialect: Dialect) -> Env {
        Env::start(EmulatorConfig { dialect, device_poll_interval: 0, ..Default::default() }).await
    }

    pub async fn login(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
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

    /// Exchanges a key the way both dialects accept.
    pub async fn token(&self, key: &str) -> String {
        let (status, body) = self.login(&[("grant_type", "zenml_api_key"), ("password", key)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["access_token"].as_str().expect("access_token").to_string()
    }

    /// Signs in as any demo user through the device flow, approved by the control route.
    pub async fn token_as(&self, email: &str) -> String {
        let auth = self.device_start(None).await;
        let (status, body) = self
            .control("devices/approve", json!({"user_code": auth["user_code"], "user_email": email}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, token) = self.device_poll(&auth).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        token["access_token"].as_str().expect("access_token").to_string()
    }

    pub async fn device_start(&self, user_agent: Option<&str>) -> Value {
        let mut req = self
            .http
            .post(format!("{}/auth/device_authorization", self.url))
            .form(&[("client_id", CLIENT_ID)]);
        if let Some(ua) = user_agent {
            req = req.header("User-Agent", ua);
        }
        let resp = req.send().await.expect("device authorization");
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json().await.expect("json body")
    }

    pub async fn device_poll(&self, auth: &Value) -> (StatusCode, Value) {
        self.login(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", CLIENT_ID),
            ("device_code", auth["device_code"].as_str().expect("device_code")),
        ])
        .await
    }

    pub async fn call(
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

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, Some(token), path, None).await
    }

    /// A GET that must answer 200.
    pub async fn ok(&self, token: &str, path: &str) -> Value {
        let (status, body) = self.get(token, path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    pub async fn control(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.control_call(Method::POST, path, Some(body)).await
    }

    /// A control request through the typed control client: (status, JSON body or the text).
    pub async fn control_call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let resp = self.ctl.send(method, path, body.as_ref()).await;
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn org_id(&self, token: &str, name: &str) -> String {
        let org = self.ok(token, &format!("/organizations/{name}")).await;
        org["id"].as_str().expect("id").to_string()
    }

    pub async fn role_id(&self, token: &str, org_id: &str, name: &str) -> String {
        let roles =
            self.ok(token, &format!("/organizations/{org_id}/roles?name={}", name.replace(' ', "%20"))).await;
        roles[0]["id"].as_str().expect("role id").to_string()
    }
}

pub fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("bare array")
        .iter()
        .map(|o| o["name"].as_str().expect("name").to_string())
        .collect()
}

pub fn items(list: &Value) -> &Vec<Value> {
    list.as_array().expect("bare array")
}
