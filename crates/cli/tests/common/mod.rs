//! A harness for driving `zpro` in-process against the emulator: one temp-dir cache and one in-memory
//! keyring shared by every command of a test, as a shell session would share the real ones.

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use zenml_pro_cli::{run, CliEnv};
use zenml_pro_core::api::RetryPolicy;
use zenml_pro_core::{ClientSettings, MemoryKeyring};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{EmulatorConfig, RunningEmulator};

/// What one command printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub out: String,
    pub err: String,
}

impl Output {
    /// stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.out).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

pub struct Harness {
    pub emu: Option<RunningEmulator>,
    pub base: String,
    pub dir: tempfile::TempDir,
    pub keyring: Arc<MemoryKeyring>,
}

impl Harness {
    pub async fn start() -> Self {
        Self::with(EmulatorConfig { port: 0, ..Default::default() }).await
    }

    pub async fn with(config: EmulatorConfig) -> Self {
        let emu = zenml_pro_emulator::start(config).await.expect("emulator starts");
        let base = emu.base_url();
        Self {
            emu: Some(emu),
            base,
            dir: tempfile::tempdir().unwrap(),
            keyring: Arc::new(MemoryKeyring::new()),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn key(&self, who: &str) -> String {
        let c = self.emu.as_ref().expect("running").credentials();
        match who {
            "admin" => c.admin.key.clone(),
            "manager" => c.manager.key.clone(),
            "viewer" => c.viewer.key.clone(),
            "member" => c.member.key.clone(),
            "multi_org" => c.multi_org.key.clone(),
            "people_manager" => c.people_manager.key.clone(),
            other => panic!("no demo key {other}"),
        }
    }

    fn env(&self) -> CliEnv {
        // Offline tests should not wait through the production backoff.
        let client = ClientSettings {
            retry: RetryPolicy {
                max_retries: 1,
                initial_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(50),
                max_total: Duration::from_secs(5),
            },
            request_timeout: Duration::from_secs(5),
            ..ClientSettings::default()
        };
        CliEnv {
            data_dir: self.dir.path().to_path_buf(),
            secrets: self.keyring.clone(),
            default_url: self.base.clone(),
            client,
            out_is_terminal: false,
        }
    }

    /// Runs `zpro ARGS...` in-process.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, false).await
    }

    /// Runs `zpro ARGS...` in-process as if its standard output were a terminal.
    pub async fn run_on_terminal(&self, args: &[&str]) -> Output {
        self.run_with(args, true).await
    }

    async fn run_with(&self, args: &[&str], out_is_terminal: bool) -> Output {
        let argv: Vec<OsString> =
            std::iter::once("zpro").chain(args.iter().copied()).map(OsString::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let env = CliEnv { out_is_terminal, ..self.env() };
        // On the heap: a test awaiting dozens of commands would otherwise hold every command's whole
        // future in its own, which overflows a test thread's 2 MiB stack on Windows in debug builds.
        let code = Box::pin(run(argv, env, &mut out, &mut err)).await;
        Output { code, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
    }

    /// Signs in with a demo key and syncs.
    pub async fn login_and_sync(&self, who: &str) {
        let key = self.key(who);
        self.run(&["login", "--key", &key]).await.ok();
        self.run(&["sync"]).await.ok();
    }

    /// The typed client of the emulator's control routes.
    pub fn control(&self) -> Control {
        Control::new(self.emu.as_ref().expect("running"))
    }

    /// How many API requests the emulator has served.
    pub async fn requests(&self) -> u64 {
        self.control().request_count().await
    }

    /// Adds an emulator fault rule (`POST /_emulator/faults`).
    pub async fn fault(&self, rule: Value) {
        self.control().add_fault(rule).await;
    }

    /// Removes every fault rule.
    pub async fn clear_faults(&self) {
        self.control().clear_faults().await;
    }

    pub async fn shutdown(&mut self) {
        if let Some(emu) = self.emu.take() {
            emu.shutdown().await;
        }
    }
}
