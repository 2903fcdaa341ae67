//! The OS keyring on Windows: the Credential Manager (keyring 3, `windows-native`).
//!
//! Run by `bash scripts/windows.sh test` under Wine, whose Credential Manager lives in the test's own
//! Wine prefix. Each test uses a service name of its own, so it never touches the app's entries.
#![cfg(windows)]

use zenml_pro_core::keyring::{entry_user, OsKeyring, SecretKind, SecretStore};

fn test_service() -> String {
    format!("io.zenml.pro-desktop.test-{}", uuid::Uuid::new_v4().simple())
}

/// The store the app's entries go to is the Credential Manager: a secret written through the keyring
/// crate is a generic credential there (read back by its target name), and deleting it leaves none.
#[test]
fn the_default_store_is_the_credential_manager() {
    let service = test_service();
    let user = entry_user("acc-1", SecretKind::AccessToken);
    let entry = keyring::Entry::new(&service, &user).unwrap();
    entry.set_password("token-value-1").unwrap();
    let credential = entry
        .get_credential()
        .downcast_ref::<keyring::windows::WinCredential>()
        .expect("the default keyring store on Windows is the Credential Manager");
    // Read from the Credential Manager itself (CredReadW), not from the entry's own fields.
    let stored = credential.get_credential().unwrap();
    assert_eq!(stored.target_name, format!("{user}.{service}"));
    assert_eq!(stored.username, user);
    assert_eq!(entry.get_password().unwrap(), "token-value-1");
    // A second entry with the same names sees the same credential.
    assert_eq!(keyring::Entry::new(&service, &user).unwrap().get_password().unwrap(), "token-value-1");
    entry.delete_credential().unwrap();
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
    assert!(matches!(credential.get_credential(), Err(keyring::Error::NoEntry)));
}

/// The app's own secret store round-trips through the Credential Manager: kinds and accounts stay
/// apart, a secret is replaced, and after a delete (twice is fine) it is gone, also for the crate's
/// own entry of the same names.
#[test]
fn the_apps_secret_store_round_trips_through_the_credential_manager() {
    let service = test_service();
    let k = OsKeyring::with_service(&service);
    let account = "acc-1";
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap(), None);
    k.set(account, SecretKind::AccessToken, "token-value-1").unwrap();
    k.set(account, SecretKind::ApiKey, "ZENPAT_value").unwrap();
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap().as_deref(), Some("token-value-1"));
    assert_eq!(k.get(account, SecretKind::ApiKey).unwrap().as_deref(), Some("ZENPAT_value"));
    assert_eq!(k.get("acc-2", SecretKind::AccessToken).unwrap(), None);
    let raw = keyring::Entry::new(&service, &entry_user(account, SecretKind::ApiKey)).unwrap();
    assert_eq!(raw.get_password().unwrap(), "ZENPAT_value");
    k.set(account, SecretKind::AccessToken, "token-value-2").unwrap();
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap().as_deref(), Some("token-value-2"));
    k.delete(account, SecretKind::AccessToken).unwrap();
    k.delete(account, SecretKind::AccessToken).unwrap();
    assert_eq!(k.get(account, SecretKind::AccessToken).unwrap(), None);
    assert_eq!(k.get(account, SecretKind::ApiKey).unwrap().as_deref(), Some("ZENPAT_value"));
    k.delete(account, SecretKind::ApiKey).unwrap();
    assert_eq!(k.get(account, SecretKind::ApiKey).unwrap(), None);
    assert!(matches!(raw.get_password(), Err(keyring::Error::NoEntry)));
}

/// A data directory of its own gets a service name of its own, which round-trips as well.
#[test]
fn a_data_dir_of_its_own_has_entries_of_its_own() {
    let dir = std::env::temp_dir().join(format!("zpro-cred-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let k = OsKeyring::for_data_dir(&dir);
    assert_ne!(k.service(), zenml_pro_core::keyring::APP_SERVICE);
    k.set("acc-1", SecretKind::ApiKey, "ZENPAT_dir").unwrap();
    assert_eq!(
        OsKeyring::for_data_dir(&dir).get("acc-1", SecretKind::ApiKey).unwrap().as_deref(),
        Some("ZENPAT_dir")
    );
    assert_eq!(OsKeyring::new().get("acc-1", SecretKind::ApiKey).unwrap(), None);
    k.delete("acc-1", SecretKind::ApiKey).unwrap();
    assert_eq!(k.get("acc-1", SecretKind::ApiKey).unwrap(), None);
    std::fs::remove_dir_all(&dir).unwrap();
}
