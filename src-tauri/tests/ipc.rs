//! The shell's commands through Tauri's mock runtime: the state is managed, the commands are
//! registered under the names the UI calls, arguments arrive camelCased, errors arrive as `IpcError`
//! JSON, and the app's events reach listeners as `"app-event"`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Listener, WebviewWindow, WebviewWindowBuilder};
use zenml_pro_app::AppConfig;
use zenml_pro_core::{ClientSettings, MemoryKeyring};

fn config(dir: &std::path::Path) -> AppConfig {
    AppConfig {
        data_dir: dir.to_path_buf(),
        secrets: Arc::new(MemoryKeyring::new()),
        client: ClientSettings::default(),
        default_api_url: "https://api.example.test".into(),
        dashboard_url: "https://dashboard.example.test".into(),
        kitaru_dashboard_url: "https://kitaru-dashboard.example.test".into(),
        demo: false,
        refresh_interval: Duration::from_secs(3600),
        started: std::time::Instant::now(),
        autostart_dir: Some(dir.join("autostart")),
        executable: "/usr/bin/zenml-pro-desktop".into(),
    }
}

fn window(dir: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = zenml_pro_desktop::configure(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("the app builds");
    zenml_pro_desktop::install(&app, config(dir)).expect("services installed");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("a window");
    (app, webview)
}

fn call(webview: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("JSON"))
}

/// Guards the command wiring end to end: state, names, camelCase arguments, typed errors, events.
#[test]
fn commands_run_through_the_ipc_with_typed_results_errors_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let (app, webview) = window(dir.path());
    let events = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = events.clone();
    app.listen_any("app-event", move |e| {
        sink.lock().unwrap().push(serde_json::from_str(e.payload()).unwrap());
    });

    let state = call(&webview, "app_state", json!({})).expect("app_state");
    assert_eq!(state["accounts"], json!([]));
    assert_eq!(state["default_api_url"], "https://api.example.test");
    assert_eq!(state["demo"], false);

    let err = call(&webview, "list_organizations", json!({})).expect_err("not signed in");
    assert_eq!(err["code"], "unauthorized", "{err}");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(err["fields"], json!([]));

    let account = call(&webview, "start_demo", json!({})).expect("the demo starts");
    assert_eq!(account["signed_in"], true);
    let orgs = call(&webview, "list_organizations", json!({})).expect("organizations");
    assert!(orgs["items"].as_array().is_some_and(|o| o.len() >= 2));

    let switched = call(&webview, "switch_organization", json!({"org": "acme-ml"})).expect("switch");
    let page = call(&webview, "list_members", json!({"org": null, "query": {"limit": 3}})).expect("members");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(3));
    let pending = call(&webview, "list_invitations", json!({"org": switched["id"], "onlyPending": true}))
        .expect("invitations");
    assert!(pending["items"].is_array());

    let err =
        call(&webview, "invite", json!({"org": null, "emails": ["nope"], "role": "Organization Viewer"}))
            .expect_err("an invalid email");
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["fields"][0]["field"], "nope");

    let err = call(&webview, "list_invitations", json!({"org": null})).expect_err("a missing argument");
    assert!(err.is_string(), "Tauri's own argument errors stay strings: {err}");

    let kinds: Vec<String> =
        events.lock().unwrap().iter().filter_map(|e| e["kind"].as_str().map(str::to_owned)).collect();
    for kind in [
        "sync_progress",
        "sync_finished",
        "data_changed",
        "session_changed",
        "active_org_changed",
        "connectivity",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} event in {kinds:?}");
    }
}

fn read(path: &str) -> Value {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Guards the security settings: the UI may listen to events and use basic window functions, and
/// nothing that runs programs, reads files, makes HTTP requests or opens links.
#[test]
fn capabilities_grant_no_shell_fs_http_or_opener() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let cap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        files += 1;
        for p in cap["permissions"].as_array().expect("a permissions list") {
            let id = p.as_str().or_else(|| p["identifier"].as_str()).unwrap_or_default();
            assert!(id.starts_with("core:"), "{}: only core permissions, not {id}", path.display());
            for banned in ["shell", "fs", "http", "opener", "process", "dialog"] {
                assert!(!id.contains(banned), "{}: {id} is not allowed", path.display());
            }
        }
        assert_eq!(cap["windows"], json!(["main"]));
    }
    assert_eq!(files, 1, "one capability file");
}

/// Guards the save dialog: the dialog plugin is registered for Rust's use only (the capability file
/// grants no dialog permission, see above), so the webview can neither open a file dialog nor pick a
/// path through it; an export's file comes from the dialog the app opens, never from the webview.
#[test]
fn the_webview_cannot_open_file_dialogs() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = window(dir.path());
    for cmd in
        ["plugin:dialog|save", "plugin:dialog|open", "plugin:dialog|message", "plugin:fs|write_text_file"]
    {
        let err = call(&webview, cmd, json!({"options": {}})).expect_err(cmd).to_string();
        assert!(err.contains("not allowed"), "{cmd}: {err}");
    }
}

/// Guards the CSP: no remote origin anywhere, scripts only from the app, connections only to the IPC.
#[test]
fn the_csp_is_strict_and_has_no_remote_origin() {
    let conf = read("tauri.conf.json");
    let csp = conf["app"]["security"]["csp"].as_str().expect("a CSP string");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    let connect = csp.split(';').map(str::trim).find(|d| d.starts_with("connect-src")).expect("connect-src");
    for source in connect.split_whitespace().skip(1) {
        assert!(["ipc:", "http://ipc.localhost", "'self'"].contains(&source), "connect-src allows {source}");
    }
    for source in csp.split([';', ' ']).map(str::trim) {
        let remote = source.starts_with("https:")
            || source.starts_with("http:")
            || source == "*"
            || source.contains("*.");
        assert!(!remote || source == "http://ipc.localhost", "remote origin {source:?} in the CSP");
    }
    assert!(!csp.contains("unsafe-eval"));
    let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap();
    assert!(!script.contains("unsafe-inline"), "no inline scripts");
    assert_eq!(conf["identifier"], "io.zenml.pro-desktop");
    assert!(conf["build"].get("devUrl").is_none_or(|v| v.is_null()), "the tests need no dev server");
    assert!(conf["app"].get("withGlobalTauri").is_none_or(|v| v == &json!(false)));
}

/// Guards the generated handler: every command of the app's table answers under its name (with
/// missing arguments it is refused as such, never as an unknown command), and a name outside the table
/// is unknown.
#[test]
fn every_command_of_the_table_is_registered() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = window(dir.path());
    let unknown = call(&webview, "no_such_command", json!({})).expect_err("unknown");
    let unknown = unknown.to_string();
    assert!(unknown.contains("not found"), "{unknown}");
    // Commands that would block, open a window or start a server are not run with missing arguments.
    for name in zenml_pro_app::ipc::COMMANDS {
        if ["complete_device_login", "start_demo", "open_log_folder"].contains(name) {
            continue;
        }
        let answer = call(&webview, name, json!({"__nothing": true}));
        let text = format!("{answer:?}");
        assert!(!text.contains("not found"), "{name}: {text}");
    }
}
