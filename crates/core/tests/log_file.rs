//! The log file: written where the data directory says, rotated by day, and free of secrets after a
//! sign-in, a sync, a write and a doctor run at the most talkative level. One test per binary: it
//! installs the process's logger.

mod common;

use common::*;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{SecretKind, SecretStore, SyncOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_file_is_written_and_holds_no_secret() {
    let e = env().await;
    let logs = e.dir.path().join("logs");
    std::env::set_var(zenml_pro_core::logging::LOG_DIR_ENV, &logs);
    std::env::set_var(zenml_pro_core::logging::LOG_LEVEL_ENV, "trace");
    let guard = zenml_pro_core::logging::init("zpro-test", "off");
    assert_eq!(guard.dir.as_deref(), Some(logs.as_path()));

    let key = e.emu.credentials().admin.key.clone();
    let account = e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&key)).await.unwrap();
    e.core
        .sync(&account.id, &SyncOptions::default(), &no_progress(), &zenml_pro_core::CancellationToken::new())
        .await
        .unwrap();
    let org = e.core.resolve_org(&account.id, None).unwrap();
    e.core.invite(&account.id, org, &["logged@acme-ml.example".into()], "Organization Viewer").await.unwrap();
    e.core.doctor(Some(&account.id), &e.emu.base_url()).await.unwrap();
    let token = e.keyring.get(&account.id, SecretKind::AccessToken).unwrap().unwrap();
    let password = e.emu.credentials().password_login.password.clone();
    e.core
        .login_with_password(
            &e.emu.base_url(),
            &e.emu.credentials().password_login.username,
            zenml_pro_core::api::Password::new(&password),
        )
        .await
        .unwrap();
    drop(guard); // flushes

    let mut text = String::new();
    for f in std::fs::read_dir(&logs).unwrap() {
        let path = f.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("zpro-test.") && name.ends_with(".log"), "{name}");
        text.push_str(&std::fs::read_to_string(&path).unwrap());
    }
    assert!(text.contains("sync finished"), "the file has the run's lines");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&logs).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the log folder is the user's alone");
    }
    assert!(text.lines().count() > 20, "trace level writes plenty");
    for secret in [key.as_str(), token.as_str(), password.as_str()] {
        assert!(!text.contains(secret), "a secret reached the log file");
    }
}
