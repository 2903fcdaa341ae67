//! The OS keyring on Linux: the Secret Service over the D-Bus session bus.
//!
//! The round trip needs a running, unlocked Secret Service, so it is ignored by default; the test command
//! runs it as
//! `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//! cargo test -p zenml-pro-core --test secret_service -- --ignored'`.
#![cfg(target_os = "linux")]

use std::process::Command;

use zenml_pro_core::keyring::{KeyringError, OsKeyring, SecretKind, SecretStore};

/// Set in the child process that runs with no reachable session bus.
const CHILD_ENV: &str = "ZENML_PRO_CORE_TEST_NO_BUS_CHILD";

fn test_service() -> String {
    format!("io.zenml.pro-desktop.test-{}", uuid::Uuid::new_v4().simple())
}

/// Secrets round-trip through the real Secret Service, kinds and accounts stay apart, and deleting
/// twice is fine.
#[test]
#[ignore = "needs a Secret Service: run under dbus-run-session with gnome-keyring-daemon"]
fn round_trips_through_the_secret_service() {
    let k = OsKeyring::with_service(test_service());
    let account = "acc-1";
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap(), None);
    k.set(account, SecretKind::AccessToken, "token-value-1").unwrap();
    k.set(account, SecretKind::ApiKey, "ZENPROKEY_value").unwrap();
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap().as_deref(), Some("token-value-1"));
    assert_eq!(k.get(account, SecretKind::ApiKey).unwrap().as_deref(), Some("ZENPROKEY_value"));
    assert_eq!(k.get("acc-2", SecretKind::AccessToken).unwrap(), None);
    k.set(account, SecretKind::AccessToken, "token-value-2").unwrap();
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap().as_deref(), Some("token-value-2"));
    k.delete(account, SecretKind::AccessToken).unwrap();
    k.delete(account, SecretKind::AccessToken).unwrap();
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap(), None);
    k.delete(account, SecretKind::ApiKey).unwrap();
    assert_eq!(k.get(account, SecretKind::ApiKey).unwrap(), None);
}

/// With no D-Bus session bus to reach, every call fails with `Unavailable`, says what is missing, and
/// never echoes the secret. Runs in a child process of this test binary so the bus address it changes
/// reaches no other test.
#[test]
fn no_session_bus_is_unavailable() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let k = OsKeyring::with_service(test_service());
        let secret = "never-in-an-error-7f3a";
        let errors = [
            k.get("acc", SecretKind::AccessToken).unwrap_err(),
            k.set("acc", SecretKind::AccessToken, secret).unwrap_err(),
            k.delete("acc", SecretKind::ApiKey).unwrap_err(),
        ];
        for e in errors {
            let message = e.to_string();
            assert!(matches!(e, KeyringError::Unavailable(_)), "{message}");
            assert!(message.contains("D-Bus"), "{message}");
            assert!(!message.contains(secret), "{message}");
            println!("child saw: {message}");
        }
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args(["--exact", "no_session_bus_is_unavailable", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/zenml-pro-test-bus")
        .env_remove("DISPLAY")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child did not run the check:\n{stdout}");
    assert!(stdout.contains("child saw:"), "{stdout}");
}
