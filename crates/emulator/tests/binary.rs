//! The binary prints exactly one JSON line with its base URL, control token and the demo credentials,
//! and serves.

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
    assert_eq!(parsed["dialect"], "default");
    for who in [
        "admin",
        "manager",
        "viewer",
        "member",
        "billing_admin",
        "service_account",
        "multi_org",
        "people_manager",
    ] {
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

    // The control token of the run, printed in the line, opens the control routes.
    let control = parsed["control_token"].as_str().expect("control_token");
    assert_eq!(control.len(), 32, "{control}");
    let stats = http.get(format!("{base}/_emulator/stats")).header("x-emulator-control", control);
    assert_eq!(stats.send().await.unwrap().status(), reqwest::StatusCode::OK);
    let refused = http.get(format!("{base}/_emulator/stats")).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    child.kill().expect("kill");
    let _ = child.wait();
}

/// `--control-token` (or `ZENML_PRO_EMULATOR_CONTROL_TOKEN`) sets the control token instead of a random
/// one; the startup line shows it.
#[tokio::test]
async fn binary_takes_a_control_token() {
    for (args, env) in [
        (vec!["--port", "0", "--control-token", "from-the-flag"], None),
        (vec!["--port", "0"], Some("from-the-env")),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zenml-pro-emulator"));
        cmd.args(&args).env("RUST_LOG", "warn").env_remove("ZENML_PRO_EMULATOR_CONTROL_TOKEN");
        if let Some(t) = env {
            cmd.env("ZENML_PRO_EMULATOR_CONTROL_TOKEN", t);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("read first line");
        let parsed: serde_json::Value = serde_json::from_str(line.trim_end()).expect("one JSON line");
        let expected = env.unwrap_or("from-the-flag");
        assert_eq!(parsed["control_token"], expected, "{args:?} {env:?}");
        let base = parsed["base_url"].as_str().unwrap();
        let resp = reqwest::Client::new()
            .get(format!("{base}/_emulator/stats"))
            .header("x-emulator-control", expected)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::OK);
        child.kill().expect("kill");
        let _ = child.wait();
    }
}

/// `--dialect variant` (or `ZENML_PRO_EMULATOR_DIALECT`) serves the variant dialect and says so in the
/// startup line; an unknown name is refused with the known ones listed.
#[tokio::test]
async fn binary_takes_a_dialect() {
    for (args, env) in
        [(vec!["--port", "0", "--dialect", "variant"], None), (vec!["--port", "0"], Some("variant"))]
    {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zenml-pro-emulator"));
        cmd.args(&args).env("RUST_LOG", "warn").env_remove("ZENML_PRO_EMULATOR_DIALECT");
        if let Some(d) = env {
            cmd.env("ZENML_PRO_EMULATOR_DIALECT", d);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("read first line");
        let parsed: serde_json::Value = serde_json::from_str(line.trim_end()).expect("one JSON line");
        assert_eq!(parsed["dialect"], "variant", "{args:?} {env:?}");
        let base = parsed["base_url"].as_str().unwrap();
        let resp = reqwest::Client::new()
            .post(format!("{base}/auth/login"))
            .form(&[("password", parsed["credentials"]["admin"]["key"].as_str().unwrap())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::BAD_REQUEST, "the variant wants a grant_type");
        child.kill().expect("kill");
        let _ = child.wait();
    }

    let out = Command::new(env!("CARGO_BIN_EXE_zenml-pro-emulator"))
        .args(["--port", "0", "--dialect", "fancy"])
        .env_remove("ZENML_PRO_EMULATOR_DIALECT")
        .output()
        .expect("run emulator");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("default") && err.contains("variant"), "{err}");
}
