//! # zenml-pro-emulator
//!
//! A local stand-in for the ZenML Pro cloud API, so the desktop app can be run, demonstrated and tested
//! with no account and no network. It implements the wire contract in `cloud-api.md` (section 4 for the
//! routes and shapes, section 5 for what the emulator must do, section 6 for the variants) independently
//! of the client crate.
//!
//! ## Use
//! As a library (tests, the desktop app's demo mode):
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use zenml_pro_emulator::{start, Dialect, EmulatorConfig};
//! let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await?;
//! let url = emu.base_url(); // "http://127.0.0.1:PORT"
//! let admin_key = &emu.credentials().admin.key;
//! # let _ = (url, admin_key);
//! emu.shutdown().await;
//! // The variants of section 6:
//! let variant = start(EmulatorConfig { port: 0, dialect: Dialect::Variant, ..Default::default() }).await?;
//! # variant.shutdown().await;
//! # Ok(()) }
//! ```
//! As a binary: `zenml-pro-emulator [--port N] [--token-ttl SECONDS] [--auto-approve] [--scale N]
//! [--device-interval SECONDS] [--device-code-ttl SECONDS] [--dialect default|variant]
//! [--control-token TOKEN]` (the dialect also from `ZENML_PRO_EMULATOR_DIALECT`, the control token from
//! `ZENML_PRO_EMULATOR_CONTROL_TOKEN`). It prints one JSON line
//! `{"base_url": ..., "dialect": ..., "control_token": ..., "credentials": ...}` to stdout, then logs to
//! stderr (`RUST_LOG`, default `info`).
//!
//! ## What it serves
//! - Auth: `POST /auth/device_authorization`, `GET|POST /devices/verify` (HTML page with Approve/Deny),
//!   `POST /auth/login` (device-code grant; key exchange `grant_type=zenml_api_key&password=<key>`, or
//!   `password=<key>` alone in the default dialect; `username`+`password`). The device's `User-Agent`
//!   is kept as its metadata, only its `Host/…` and `OS/…` tokens, served after approval as
//!   `device_metadata: {"host", "os"}` (a token not sent leaves its key out; none at all gives `null`).
//!   `GET /auth/api_token` (any valid token) answers a bare JSON string: a one-hour automation token.
//! - Token types (contract 2.2a): the key routes (every service-account and API-key route below) refuse a
//!   device-flow token with 401 `{"detail": "Authentication error: invalid token type: device_code not
//!   allowed for this endpoint"}`; key-exchange, password and automation tokens are taken (see
//!   `POST /_emulator/token_types` to refuse them too; the refusal names `api_key` or `api_token`).
//! - `GET /users/me`, `GET /users?email=`; `GET|POST /organizations`, `GET /organizations/{id_or_name}`,
//!   `PATCH /organizations/{id}`; `GET|DELETE /organizations/{id}/members`;
//!   `GET|POST /organizations/{id}/invitations` (body `{email, role_id}` or `{email, roles: [role_id,
//!   ...]}`), `DELETE /organizations/{id}/invitations/{invitation_id}`; an invitation carries every role
//!   assigned to it and every team it was added to (`roles: [{id, name, level, workspace_id}]`,
//!   `teams: [{id, name}]`, see `invitations.rs`);
//!   `GET /organizations/{id}/roles`, `POST|DELETE /roles/{role_id}/assignments`;
//!   `GET /organizations/{id}/teams`, `POST|DELETE /teams/{team_id}/members`; `POST /teams`,
//!   `GET|PATCH|DELETE /teams/{team_id}`, `GET /teams/{team_id}/members`;
//!   `GET /workspaces`, `GET /workspaces/{name_or_id}`,
//!   `PATCH /workspaces/{id}`.
//! - Service accounts and their API keys, as the dashboard manages them (this project's shape; the
//!   contract marks these routes [S]; see `service_accounts.rs`): `GET|POST
//!   /organizations/{id}/service_accounts` (items: the user shape plus `description`, `last_login`,
//!   `api_key_count`; create `{username, description?}`, 409 when taken),
//!   `PATCH|DELETE /organizations/{id}/service_accounts/{name_or_id}` (`{active?, description?}`),
//!   `GET|POST …/{name_or_id}/api_keys` (items `{id, name, description, active, last_login, expires,
//!   created, retain_period_minutes}`; create `{name, description?, expires_in_minutes?}` answers the key
//!   with its secret in `key`, `ZENPROKEY_…`, served this once), `POST …/api_keys/{key_name_or_id}/rotate`
//!   `{retain_period_minutes?}` (a new `key`; the old secret works for the retention, then stops),
//!   `PATCH|DELETE …/api_keys/{key_name_or_id}`. Reading needs a role that reads everything, writing
//!   Organization Admin or Manager. A created key signs in through the key exchange while it and its
//!   account are active and it has not expired; tokens already issued stay valid.
//! - `GET /openapi.json` (no auth): an OpenAPI 3.1 document of the running dialect, generated from the
//!   emulator's own code. Its `paths` come from the route table (`routes.rs`) that also builds the router,
//!   with path and query parameters (every list route: `offset` minimum 0, `limit` 1 to the dialect's
//!   maximum, and its filters); in debug builds a handler reading an undeclared query parameter panics,
//!   so the table cannot miss one. Response schemas are inferred from the demo data and variations
//!   rendered by the handlers' own JSON functions, named in `components/schemas` (`User`,
//!   `Organization`, `MemberRow`, `MemberRole`, `Invitation`, `RoleRef`, `Role`, `Team`, `Workspace`,
//!   `ZenmlService`, `TokenResponse`, `DeviceAuthorization`, `ServiceAccount`, `ApiKey`) and referenced
//!   with `$ref`; a route's is at `paths.{path}.{method}.responses."200".content."application/json".schema`.
//!   Control routes are not in it.
//! - Every list takes `offset` (default 0) and `limit` (default 20, at most [`LIMIT_MAX`] = 1000 in the
//!   default dialect, [`VARIANT_LIMIT_MAX`] = 100 in the variant; outside answers 422) and returns a bare
//!   JSON array sorted by name or email, ties by id. Without `only_pending`, invitations of every status
//!   are listed.
//! - Errors are `{"detail": ...}`: a string for 401/409 (and other statuses), `["IllegalOperationError", msg]` for 403,
//!   `["KeyError", msg]` for 404, FastAPI `[{loc, msg, type}]` for 422. Operations that return no
//!   resource (role assignment, team membership, member removal) answer 200 with `null`.
//! - Roles: Organization Admin and Manager may change things; Viewer, Billing Admin and custom roles read
//!   everything; a custom role may also carry permissions (`model::Permissions`): the demo's
//!   "People Manager" of acme-ml may create and revoke (so resend) invitations, and nothing else.
//!   Organization Member reads the organization, roles, teams and the workspaces it holds a workspace
//!   role on (members, invitations and service accounts answer 403); non-members get 404. Billing fields
//!   (`plan`, `trial_expiry`, `has_active_subscription`) appear only for Organization Admin and Billing
//!   Admin.
//!
//! ## Dialects ([`Dialect`], `--dialect`)
//! - `default`: the shapes above, exactly as the contract writes them.
//! - `variant`: the variants of section 6, differing only in these ways: member role entries have no
//!   `name`; organizations (also nested in workspaces) have no `plan` and no `display_name`,
//!   `trial_expiry` is epoch seconds and `owner` is the owner's id; workspaces have no `display_name`;
//!   invitations carry `roles` instead of `role`, organization roles as `{id, name}` and workspace roles
//!   as `{role_id, workspace_id}`, and `teams` as bare ids; `limit` above 100 answers 422 with a
//!   FastAPI detail item `{type, loc, msg, input, ctx: {le: 100}}`; roles and teams answer 403 for
//!   Organization Members; role list items have no `level` (the `?level=` filter still works); every
//!   object served (token and device responses included) has unknown fields `metadata` and
//!   `x_revision`; each member list holds one row of an unknown kind (`sso_group`, after the teams,
//!   counted by paging); the key exchange needs `grant_type=zenml_api_key` (400
//!   `unsupported_grant_type` without it); every service-account and API-key route answers 404 (after
//!   authentication), as a server that does not offer them.
//!
//! ## Control routes (faults, stats and the request log never apply to them)
//! Every route under `/_emulator/` (unknown ones included) first checks, in this order:
//! - the request's `Host` (and its URI's authority, if absolute) names a loopback host: `localhost`, an
//!   address in 127.0.0.0/8 or `[::1]`, any port; otherwise 403 (a page that had its own name resolve to
//!   127.0.0.1 still sends its own name);
//! - it carries the run's control token in [`CONTROL_HEADER`] (`x-emulator-control: <token>`), exactly
//!   once; otherwise 401. The token is random per run (32 hex digits), or
//!   [`EmulatorConfig::control_token`] / `--control-token`; [`RunningEmulator::control_token`] returns it
//!   and the startup line prints it as `"control_token"`. [`RunningEmulator::control_url`] builds
//!   `<base_url>/_emulator/<path>`;
//! - a request with a body (a `content-length` other than 0, or a transfer encoding) says
//!   `content-type: application/json` (parameters such as `charset` allowed); otherwise 415. A request
//!   without a body needs no content type, so bodiless POSTs (`stats/reset`, `requests/reset`) may be
//!   sent empty or as `{}` with the JSON type; an empty JSON body counts as `{}`.
//!
//! Refusals are `{"detail": "<message>"}`. The device verification page (`/devices/verify`) is not a
//! control route and needs none of this. The routes:
//! - `POST /_emulator/faults` appends a rule; every kind takes the optional filters `path_prefix` and
//!   `method`, and `count` (the rule vanishes when used up) or `ratio` (drawn from a seeded RNG). `GET`
//!   lists rules, `DELETE` clears them.
//!   - Delay: `{"kind": "latency", "ms": 20}`; latencies add up and stack with any other rule.
//!   - Answers in place of the route (the first that fires answers): `{"kind": "status", "status": 503,
//!     "count": 2}`, `{"kind": "status", "status": 500, "ratio": 0.3}`, `{"kind": "rate_limit",
//!     "retry_after": 1, "count": 1}` (429 with `Retry-After`), `{"kind": "drop", "count": 1}`
//!     (connection closed with no response), `{"kind": "malformed", "count": 1}` (200, not JSON);
//!     `{"kind": "redirect", "location": "http://127.0.0.1:9999", "status": 307}`: that status (301,
//!     302, 303, 307 (default) or 308), `Location: <location><the request's path and query>` (e.g.
//!     `http://127.0.0.1:9999/organizations?offset=0&limit=100`; a trailing `/` of the location is
//!     dropped; it must be an absolute http(s) URL with no query), empty body;
//!     `{"kind": "huge_body", "mb": N}`: 200 `application/json` of exactly N MiB (1 to 16384), `[`,
//!     then `{"id":"00000000-0000-4000-8000-000000000000","name":"x"}` items separated by commas,
//!     spaces, `]` (a whole JSON array), streamed in chunks cut from one shared block, chunked with no
//!     `content-length` unless `"content_length": true`.
//!   - Response faults, on a request that is served (no answering rule fired):
//!     `{"kind": "huge_numbers"}`: every integer of the JSON body, nested ones and error bodies
//!     included, becomes [`HUGE_NUMBER`] = 10^18 (e.g. `expires_in` of `POST /auth/login`, `expires_in`
//!     and `interval` of `POST /auth/device_authorization`, every integer of a list), and the answer
//!     gets `Retry-After: 1000000000000000000`; `{"kind": "slow_body", "bytes_per_sec": N}`: the
//!     headers (with the right `content-length`) and the first N bytes at once, then N more bytes each
//!     second, so a client with a total timeout gives up (several rules: the slowest rate). They count
//!     only requests they touched.
//!   - Paging faults, on list requests that are served, by rewriting their query: `{"kind":
//!     "page_cap", "limit": N}` (at most N items whatever `limit` says, no error) and `{"kind":
//!     "ignore_offset"}` (every page is the first). They count only list requests they rewrote.
//! - `POST /_emulator/tokens/revoke` `{"token": "..."}` or `{}` (all tokens, automation tokens included).
//! - `POST /_emulator/token_types` `{"key_exchange"?: "accept"|"refuse", "api_token"?: "accept"|"refuse"}`:
//!   whether the key routes take tokens from a key exchange and from `GET /auth/api_token` (both
//!   `accept` at start, since the real server's rule is unknown); a field left out keeps its setting.
//!   Answers `{"device_code": "refuse", "key_exchange", "api_token"}` as now in force.
//! - `GET /_emulator/tokens` → every live token: `[{"kind": "device_code"|"api_key"|"password"|
//!   "api_token", "token", "expires_in"}]`, so a test can check that a token leaks nowhere.
//! - `POST /_emulator/devices/approve` `{"user_code", "user_email"?}`, `POST /_emulator/devices/deny`.
//! - `POST /_emulator/invitations/accept` `{"id"?, "email"?, "organization_id"?}`: a pending invitation
//!   is accepted (its user created when new, given the invitation's roles and teams).
//! - `POST /_emulator/users/active` `{"email", "active"}`: a user marked inactive (or active again); they keep
//!   their roles, teams and tokens, as the real server has been seen to.
//! - `POST /_emulator/users/rename` `{"email", "name"}`: a user's display name becomes any text (commas,
//!   quotes, line breaks), as they could set it in their profile (see `control/users.rs`).
//! - `POST /_emulator/workspaces/status` `{"id", "status"}`: a workspace moves to a status at once.
//! - `POST /_emulator/workspaces/type` `{"id", "workspace_type"}`: a workspace is served with this
//!   `workspace_type` (any text: a kind no client knows).
//! - `POST /_emulator/workspaces/fail` `{"id"?, "reason"?}`: the next transition of that workspace (or
//!   of any) ends in `failed` with `reason` as `state_reason`; `POST /_emulator/workspaces/settle`
//!   `{"id"?}`: transitions in progress end now.
//! - `GET /workspaces/{name_or_id}/assignments` and `GET /roles/{role_id}/assignments[?workspace_id=]`
//!   (API routes): role assignments as `{role_id, role, level, workspace_id, project_id, user, team,
//!   invitation}` rows (see `grants.rs`).
//! - `GET /_emulator/stats` → `{"requests", "by_route": {"GET /organizations": n}}`; `POST /_emulator/stats/reset`.
//! - `GET /_emulator/requests` → the last 500 API requests, oldest first:
//!   `[{"method", "path", "query": "<raw query as sent>", "user_agent": string|null, "form": {field:
//!   value}}]`, where `form` has the fields of a url-encoded body with values shown only for
//!   `grant_type` and `client_id` (others are `"<redacted>"`); `POST /_emulator/requests/reset`.
//!
//! ## How to change it
//! - Data model and role rules: `model.rs`; JSON shapes (dialect-aware): `shapes.rs` (token and device
//!   responses in `auth.rs`), dialect helpers in `dialect.rs`. Demo data: `demo.rs` (UUIDv5 ids, fixed dates).
//! - Route handlers: `handlers/<concern>.rs` (`auth`, `users`, `organizations`, `members`, `invitations`,
//!   `roles`, `teams`, `workspaces`, `service_accounts`; `OrgCaller`, `require` and `paged` in
//!   `handlers/mod.rs`); `control/` (control routes, one file per what they control, and the request
//!   middleware), `faults.rs` (the fault engine), `openapi.rs` (the document).
//! - API routes are declared once, in `routes.rs`; control routes are wired in `control::routes`. The
//!   connection loop in `server` exists so a `drop` fault can close a connection without any response.
//! - A new object shape: render it through `Dialect::finish`, add its samples in `openapi/samples.rs`;
//!   keep the shapes in step with `cloud-api.md`. Tests: `tests/` (controls through `testkit::Control`).
#![doc = include_str!("../../../docs/concerns.md")]

mod auth;
mod control;
mod demo;
mod dialect;
mod error;
mod faults;
mod grants;
mod handlers;
mod invitations;
mod model;
mod openapi;
mod routes;
mod server;
mod service_accounts;
mod shapes;
#[cfg(feature = "testkit")]
pub mod testkit;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::Method;
use axum::Router;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub use control::CONTROL_HEADER;
pub use dialect::{Dialect, UnknownDialect, VARIANT_LIMIT_MAX};
pub use error::LIMIT_MAX;
pub use faults::HUGE_NUMBER;

/// How to run the emulator.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Lifetime of issued access tokens (default 3600 s).
    pub token_ttl: Duration,
    /// Approve every device request at its first poll (as the multi-org demo user).
    pub auto_approve: bool,
    /// Generate this many extra organizations (`scale-org-0001`…); `None` serves the demo data only.
    pub scale: Option<u32>,
    /// How long a device code stays valid (default 300 s).
    pub device_code_ttl: Duration,
    /// Seconds between device polls, served as `interval` (default 5); faster polls get `slow_down`.
    pub device_poll_interval: u64,
    /// How long a PATCHed workspace stays `pending` before reaching its desired state (default 2 s).
    pub workspace_transition: Duration,
    /// Which shapes to serve: the contract's ([`Dialect::Default`]) or its variants ([`Dialect::Variant`]).
    pub dialect: Dialect,
    /// The token control routes require in [`CONTROL_HEADER`]; `None` makes a random one. At most 256
    /// visible ASCII characters.
    pub control_token: Option<String>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            token_ttl: Duration::from_secs(3600),
            auto_approve: false,
            scale: None,
            device_code_ttl: Duration::from_secs(300),
            device_poll_interval: 5,
            workspace_transition: Duration::from_secs(2),
            dialect: Dialect::Default,
            control_token: None,
        }
    }
}

/// The demo keys and login printed at start (public demo data).
#[derive(Clone, Debug, Serialize)]
pub struct DemoCredentials {
    pub admin: DemoKey,
    pub manager: DemoKey,
    pub viewer: DemoKey,
    pub member: DemoKey,
    pub billing_admin: DemoKey,
    pub service_account: DemoKey,
    pub multi_org: DemoKey,
    /// Holder of the custom role "People Manager" in acme-ml: may invite and revoke invitations, and
    /// change nothing else.
    pub people_manager: DemoKey,
    pub password_login: PasswordLogin,
}

/// A key to exchange at `POST /auth/login` (`grant_type=zenml_api_key&password=<key>`), and who it signs
/// in as.
#[derive(Clone, Debug, Serialize)]
pub struct DemoKey {
    pub key: String,
    pub user_email: String,
    /// Name of the organization where `role` holds.
    pub organization: String,
    pub role: String,
}

/// Username and password for the username/password grant (the multi-org demo user).
#[derive(Clone, Debug, Serialize)]
pub struct PasswordLogin {
    pub username: String,
    pub password: String,
}

/// Shared state of a running emulator. Locks are never held across an `.await`.
pub(crate) struct AppState {
    pub config: EmulatorConfig,
    pub db: Mutex<model::Db>,
    pub auth: Mutex<auth::AuthState>,
    pub faults: Mutex<faults::FaultState>,
    pub stats: Mutex<control::Stats>,
    /// Who device-flow approvals sign in as by default.
    pub demo_user: Uuid,
    /// Bumped after every request that may write (any method but GET), so memoised views know to
    /// recompute.
    pub generation: std::sync::atomic::AtomicU64,
    /// Memoised member list order per organization: (generation, when computed, order).
    #[allow(clippy::type_complexity)]
    pub member_order:
        Mutex<std::collections::HashMap<Uuid, (u64, std::time::Instant, Arc<Vec<model::MemberKey>>)>>,
    /// What the route table says about each API route (query parameters, list or not).
    pub routes: Vec<routes::RouteDoc>,
    /// The last API requests, for `GET /_emulator/requests`.
    pub requests: Mutex<control::RequestLog>,
    /// The OpenAPI document, built at its first request.
    pub openapi: std::sync::OnceLock<Value>,
    /// What control requests must carry in [`CONTROL_HEADER`].
    pub control_token: String,
}

impl AppState {
    /// The route table's entry for a matched route (`path` is the template, as axum matched it).
    pub fn route_doc(&self, method: &Method, path: &str) -> Option<&routes::RouteDoc> {
        self.routes.iter().find(|r| r.method == method && r.path == path)
    }
}

/// The API routes of the route table, then the control routes, with the logging/fault/stats middleware.
fn router(state: Arc<AppState>, table: Vec<routes::Route>) -> Router {
    let api = table.into_iter().fold(Router::new(), |api, r| api.route(r.doc.path, r.handler));
    let api = control::routes(api).fallback(not_found).method_not_allowed_fallback(method_not_allowed);
    api.layer(axum::middleware::from_fn_with_state(state.clone(), control::faults_and_stats))
        .with_state(state)
}

async fn not_found() -> (axum::http::StatusCode, axum::Json<Value>) {
    (axum::http::StatusCode::NOT_FOUND, axum::Json(json!({"detail": "Not Found"})))
}

async fn method_not_allowed() -> (axum::http::StatusCode, axum::Json<Value>) {
    (axum::http::StatusCode::METHOD_NOT_ALLOWED, axum::Json(json!({"detail": "Method Not Allowed"})))
}

/// Starts the emulator; returns once the port is bound and requests are being served.
pub async fn start(config: EmulatorConfig) -> anyhow::Result<RunningEmulator> {
    let control_token = match &config.control_token {
        Some(token) => {
            let visible = token.bytes().all(|b| b.is_ascii_graphic());
            anyhow::ensure!(
                !token.is_empty() && token.len() <= 256 && visible,
                "the control token must be 1 to 256 visible ASCII characters"
            );
            token.clone()
        }
        None => format!("{:032x}", rand::random::<u128>()),
    };
    let (db, credentials) = demo::build(config.scale);
    let demo_user = demo::id("user", demo::DEMO_USER_EMAIL);
    let table = routes::table();
    let state = Arc::new(AppState {
        config: config.clone(),
        db: Mutex::new(db),
        auth: Mutex::new(auth::AuthState::default()),
        faults: Mutex::new(faults::FaultState::default()),
        stats: Mutex::new(control::Stats::default()),
        demo_user,
        generation: std::sync::atomic::AtomicU64::new(0),
        member_order: Mutex::new(std::collections::HashMap::new()),
        routes: table.iter().map(|r| r.doc.clone()).collect(),
        requests: Mutex::new(control::RequestLog::default()),
        openapi: std::sync::OnceLock::new(),
        control_token: control_token.clone(),
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(server::serve(listener, router(state, table), stop_rx));
    tracing::info!(%addr, scale = ?config.scale, dialect = %config.dialect, "emulator listening");
    Ok(RunningEmulator {
        addr,
        credentials,
        dialect: config.dialect,
        control_token,
        stop: stop_tx,
        task: Some(task),
    })
}

/// A running emulator. Dropping it stops the server; [`RunningEmulator::shutdown`] also waits for it.
pub struct RunningEmulator {
    addr: std::net::SocketAddr,
    credentials: DemoCredentials,
    dialect: Dialect,
    control_token: String,
    stop: tokio::sync::watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn credentials(&self) -> &DemoCredentials {
        &self.credentials
    }

    /// The dialect it serves.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The token control routes require in the [`CONTROL_HEADER`] header (`x-emulator-control`).
    pub fn control_token(&self) -> &str {
        &self.control_token
    }

    /// `<base_url>/_emulator/<path>`, the URL of a control route (send [`Self::control_token`] in
    /// [`CONTROL_HEADER`] with it).
    pub fn control_url(&self, path: &str) -> String {
        format!("{}/_emulator/{}", self.base_url(), path.trim_start_matches('/'))
    }

    /// The JSON line the binary prints:
    /// `{"base_url": ..., "dialect": ..., "control_token": ..., "credentials": ...}`.
    pub fn startup_line(&self) -> Value {
        json!({
            "base_url": self.base_url(),
            "dialect": self.dialect.as_str(),
            "control_token": self.control_token,
            "credentials": self.credentials,
        })
    }

    /// Stops accepting connections, lets in-flight requests finish (briefly), and waits for the server.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
