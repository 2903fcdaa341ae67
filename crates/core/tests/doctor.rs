//! The compatibility doctor against each dialect and against nothing at all.

mod common;

use common::*;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{CheckResult, DoctorStatus, SecretKind, SecretStore, SyncOptions};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn signed_in_and_synced(e: &Env) -> String {
    let id = e
        .core
        .login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().admin.key))
        .await
        .unwrap()
        .id;
    e.core
        .sync(&id, &SyncOptions::default(), &no_progress(), &zenml_pro_core::CancellationToken::new())
        .await
        .unwrap();
    id
}

/// Against the default dialect every check passes; nothing is written.
#[tokio::test]
async fn all_is_well_against_the_default_dialect_and_nothing_is_written() {
    let e = env().await;
    let id = signed_in_and_synced(&e).await;
    let before = e.core.invitations(&id, e.core.resolve_org(&id, None).unwrap(), false).unwrap().value;
    let report = e.core.doctor(Some(&id), &e.emu.base_url()).await.unwrap();
    let bad: Vec<_> = report.checks.iter().filter(|c| c.result >= CheckResult::Warn).collect();
    assert_eq!(report.status, DoctorStatus::Ok, "{bad:#?}");
    for area in ["connection", "clock", "schema", "sign-in", "read", "last sync"] {
        assert!(report.checks.iter().any(|c| c.area == area), "{area} checked");
    }
    let after = e.core.invitations(&id, e.core.resolve_org(&id, None).unwrap(), false).unwrap().value;
    assert_eq!(before, after);
}

/// Against the variant dialect the differences are reported: fields its schema does not declare, the
/// unreadable row, and the page-size maximum, which paging then uses.
#[tokio::test]
async fn the_variant_dialect_differences_are_reported() {
    let e = env_with(EmulatorConfig { dialect: Dialect::Variant, ..Default::default() }).await;
    let id = signed_in_and_synced(&e).await;
    let report = e.core.doctor(Some(&id), &e.emu.base_url()).await.unwrap();
    assert_eq!(report.status, DoctorStatus::Problems);
    let says = |area: &str, needle: &str| {
        report
            .checks
            .iter()
            .any(|c| c.area == area && c.result == CheckResult::Warn && c.detail.contains(needle))
    };
    assert!(says("schema", "`organization.plan`"), "{:#?}", report.checks);
    assert!(says("schema", "`member_role.name`"));
    assert!(says("last sync", "1 row could not be read"));
    assert!(report.checks.iter().any(|c| c.check == "page size" && c.detail.contains("at most 100")));
    assert_eq!(e.core.client(&e.emu.base_url()).unwrap().paging().cap(), Some(100));
}

/// A report holds no token, key, email address or name, in any form.
#[tokio::test]
async fn a_report_holds_no_secret_email_or_name() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let id = signed_in_and_synced(&e).await;
        let report = e.core.doctor(Some(&id), &e.emu.base_url()).await.unwrap();
        let text = format!("{}\n{}", report.to_text(), serde_json::to_string(&report).unwrap());
        let token = e.keyring.get(&id, SecretKind::AccessToken).unwrap().expect("a token");
        let creds = e.emu.credentials();
        let mut forbidden = vec![token, creds.admin.key.clone(), creds.admin.user_email.clone()];
        forbidden.extend(["acme-ml", "Acme", "@acme-ml.example", "@"].map(String::from));
        for f in forbidden {
            assert!(!text.contains(&f), "{dialect}: the report holds {f:?}:\n{text}");
        }
    }
}

/// A server that cannot be reached is one plain failure and the unreachable verdict.
#[tokio::test]
async fn an_unreachable_server_is_reported_as_such() {
    let e = env().await;
    let report = e.core.doctor(None, "http://127.0.0.1:9").await.unwrap();
    assert_eq!(report.status, DoctorStatus::Unreachable);
    assert_eq!(report.checks.len(), 1);
    assert!(report.checks[0].detail.contains("could not reach"), "{:?}", report.checks);
}

/// Serves `document` as `/openapi.json` (and 404 for anything else) on a loopback port, one plain
/// HTTP/1.1 answer a connection; returns the base URL.
async fn serve_document(document: serde_json::Value) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let body = serde_json::to_vec(&document).unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let found = request.starts_with(b"GET /openapi.json ");
                let (status, body) = if found { ("200 OK", body) } else { ("404 Not Found", b"{}".to_vec()) };
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    base
}

/// Field types are compared too: the emulator's own document (either dialect) declares every field
/// the app reads with a type it reads it as; the same document with a team's `member_count` declared
/// as text and a user's `email` as an integer is reported, once per field, naming both types.
#[tokio::test]
async fn a_field_declared_with_another_type_is_reported() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let url = format!("{}/openapi.json", e.emu.base_url());
        let mut document: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();

        let served = e.core.doctor(None, &serve_document(document.clone()).await).await.unwrap();
        let fields = served.checks.iter().find(|c| c.area == "schema" && c.check == "fields");
        if dialect == Dialect::Default {
            assert!(fields.is_some_and(|c| c.result == CheckResult::Ok), "{dialect}: {:#?}", served.checks);
        }
        assert!(
            !served.checks.iter().any(|c| c.detail.contains("; declared as")),
            "{dialect}: the emulator's types are the app's: {:#?}",
            served.checks
        );

        let schemas = &mut document["components"]["schemas"];
        schemas["Team"]["properties"]["member_count"] = serde_json::json!({"type": "string"});
        schemas["User"]["properties"]["email"] =
            serde_json::json!({"anyOf": [{"type": "integer"}, {"type": "null"}]});
        let report = e.core.doctor(None, &serve_document(document).await).await.unwrap();
        assert_eq!(report.status, DoctorStatus::Problems, "{dialect}");
        let mistyped: Vec<_> = report
            .checks
            .iter()
            .filter(|c| {
                c.area == "schema" && c.result == CheckResult::Warn && c.detail.contains("; declared as")
            })
            .map(|c| c.detail.as_str())
            .collect();
        assert_eq!(
            mistyped,
            [
                "`user.email` is read as text; declared as integer (values it cannot read are read as absent)",
                "`team.member_count` is read as an integer; declared as string (values it cannot read are read as absent)",
            ],
            "{dialect}: {:#?}",
            report.checks
        );
        assert!(
            !report.checks.iter().any(|c| c.check == "fields" && c.result == CheckResult::Ok),
            "{dialect}"
        );
        assert!(report.to_text().contains("`team.member_count` is read as an integer; declared as string"));
    }
}
