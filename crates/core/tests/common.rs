//! Helpers shared by core's integration tests: an emulator on a random port, a temp-dir data
//! directory and an in-memory keyring per test.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tempfile::TempDir;
use zenml_pro_core::api::RetryPolicy;
use zenml_pro_core::{ClientSettings, Core, CoreOptions, MemoryKeyring};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

pub struct Env {
    pub emu: RunningEmulator,
    pub dir: TempDir,
    pub keyring: Arc<MemoryKeyring>,
    pub core: Core,
}

pub fn quick_retries() -> ClientSettings {
    ClientSettings {
        retry: RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            max_total: Duration::from_secs(5),
        },
        ..ClientSettings::default()
    }
}

pub fn open_core(dir: &std::path::Path, keyring: Arc<MemoryKeyring>) -> Core {
    let (core, notice) =
        Core::open(CoreOptions { data_dir: dir.to_path_buf(), secrets: keyring, client: quick_retries() })
            .expect("core opens");
    assert!(notice.is_none(), "a fresh cache needs no rebuild: {notice:?}");
    core
}

pub async fn env_with(config: EmulatorConfig) -> Env {
    let emu = start(EmulatorConfig { port: 0, ..config }).await.expect("emulator");
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(MemoryKeyring::new());
    let core = open_core(dir.path(), keyring.clone());
    Env { emu, dir, keyring, core }
}

pub async fn env() -> Env {
    env_with(EmulatorConfig::default()).await
}

/// A control route of the emulator, which must answer 2xx.
pub async fn control(emu: &RunningEmulator, path: &str, body: Value) {
    Control::new(emu).post(path, body).await;
}

pub async fn clear_faults(emu: &RunningEmulator) {
    Control::new(emu).clear_faults().await;
}

pub async fn requests(emu: &RunningEmulator) -> u64 {
    Control::new(emu).request_count().await
}

pub async fn fault(emu: &RunningEmulator, rule: Value) {
    control(emu, "faults", rule).await;
}

pub fn no_progress() -> impl Fn(zenml_pro_core::SyncProgress) + Send + Sync {
    |_| {}
}

pub fn revoke_all() -> Value {
    json!({})
}

/// Every file under `dir`, as bytes.
pub fn files(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
}

/// Whether `hay` holds `needle`'s bytes anywhere.
pub fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
