//! Helpers of the app's tests: an [`App`] on a temp-dir data directory, an in-memory keyring and a
//! recorder for its events and opened URLs, and a stand-in save dialog.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use tempfile::TempDir;
use zenml_pro_app::{App, AppConfig, Recorder, StandInSaveDialog};
use zenml_pro_core::api::RetryPolicy;
use zenml_pro_core::{ClientSettings, MemoryKeyring};

pub struct Env {
    pub app: Arc<App>,
    pub rec: Arc<Recorder>,
    /// The save dialog exports ask: queue its answers with `answer`.
    pub dialog: Arc<StandInSaveDialog>,
    pub keyring: Arc<MemoryKeyring>,
    pub dir: TempDir,
}

pub fn config(dir: &std::path::Path, keyring: Arc<MemoryKeyring>, refresh: Duration) -> AppConfig {
    AppConfig {
        data_dir: dir.to_path_buf(),
        secrets: keyring,
        client: ClientSettings {
            retry: RetryPolicy {
                max_retries: 1,
                initial_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(20),
                max_total: Duration::from_secs(2),
            },
            ..ClientSettings::default()
        },
        default_api_url: "https://api.example.test".into(),
        dashboard_url: "https://dashboard.example.test".into(),
        kitaru_dashboard_url: "https://kitaru-dashboard.example.test".into(),
        demo: false,
        refresh_interval: refresh,
        started: std::time::Instant::now(),
        autostart_dir: Some(dir.join("autostart")),
        executable: "/usr/bin/zenml-pro-desktop".into(),
    }
}

pub fn env_with_refresh(refresh: Duration) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(MemoryKeyring::new());
    let rec = Arc::new(Recorder::new());
    let dialog = Arc::new(StandInSaveDialog::new());
    let app = App::new(config(dir.path(), keyring.clone(), refresh), rec.clone(), rec.clone())
        .expect("app opens")
        .with_save_dialog(dialog.clone());
    Env { app: Arc::new(app), rec, dialog, keyring, dir }
}

pub fn env() -> Env {
    env_with_refresh(Duration::from_secs(3600))
}
