//! The binary prints exactly one JSON line with its base URL and the demo credentials, and serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Spawns `zenml-pro-emulator --port 0`, parses its first stdout line, and uses it.
#[tokio::test]
async fn binary_prints_one_json_line_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zenml-pro-emulator"))
        .args(["--port", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("read first line");
    let parsed: serde_json::Value = serde_json::from_str(line.trim_end()).expect("one JSON line");
    let base = parsed["base_url"].as_str().expect("base_url").to_string();
    assert!(base.starts_with("http://127.0.0.1:") && !base.ends_with('/'));
    let creds = &parsed["credentials"];
    for who in ["admin", "manager", "viewer", "member", "billing_admin", "service_account", "multi_org"] {
        assert!(creds[who]["key"].is_string(), "{who} in {creds}");
    }
    assert!(creds["password_login"]["password"].is_string());

    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{base}/auth/login"))
        .form(&[("password", creds["admin"]["key"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let orgs: serde_json::Value = http
        .get(format!("{base}/organizations"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orgs[0]["name"], "acme-ml");
    child.kill().expect("kill");
    let _ = child.wait();
}
