//! A keyring that never answers (locked, waiting for a password nobody types) stalls nothing: keyring
//! calls run on a blocking thread with a timeout, the caller gets `keyring_unavailable` in plain words,
//! and other work on the same runtime goes on meanwhile.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use zenml_pro_core::api::ApiKey;
use zenml_pro_core::keyring::KeyringError;
use zenml_pro_core::{ClientSettings, Core, CoreOptions, ErrorCode, SecretKind, SecretStore};
use zenml_pro_emulator::{start, EmulatorConfig};

/// Every call sleeps far longer than any timeout.
struct SilentKeyring;

impl SecretStore for SilentKeyring {
    fn get(&self, _: &str, _: SecretKind) -> Result<Option<String>, KeyringError> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(None)
    }
    fn set(&self, _: &str, _: SecretKind, _: &str) -> Result<(), KeyringError> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(())
    }
    fn delete(&self, _: &str, _: SecretKind) -> Result<(), KeyringError> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(())
    }
}

/// On a single-threaded runtime: if the keyring call blocked it, the read beside it could not run
/// until the sign-in gave up. So the test asserts an order (the read ends before the sign-in gives up),
/// not a duration: the timeout leaves seconds of slack, however slow the machine.
#[tokio::test(flavor = "current_thread")]
async fn a_silent_keyring_gives_a_plain_error_and_stalls_nothing() {
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = ClientSettings { keyring_timeout: Duration::from_secs(3), ..common::quick_retries() };
    let (core, _) = Core::open(CoreOptions {
        data_dir: dir.path().into(),
        secrets: Arc::new(SilentKeyring),
        client: settings,
    })
    .unwrap();
    let started = Instant::now();
    let key = ApiKey::new(&emu.credentials().admin.key);
    let url = emu.base_url();
    let login = async { (core.login_with_key(&url, key).await, started.elapsed()) };
    let other_work = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let accounts = core.accounts().unwrap();
        (accounts.len(), started.elapsed())
    };
    let ((login, gave_up_at), (accounts, read_at)) = tokio::join!(login, other_work);
    let err = login.unwrap_err();
    assert_eq!(err.code, ErrorCode::KeyringUnavailable);
    assert!(err.message.contains("did not answer") && err.message.contains("locked"), "{}", err.message);
    assert_eq!(accounts, 0, "nothing recorded");
    assert!(
        read_at < gave_up_at,
        "the read waited for the silent keyring: it ended at {read_at:?}, the sign-in gave up at {gave_up_at:?}"
    );
    assert!(
        gave_up_at < Duration::from_secs(25),
        "the caller waited the keyring (30 s), not the timeout (3 s)"
    );
}
