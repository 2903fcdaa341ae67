//! The in-app demo: an emulator on a loopback port, signed in to with the demo key.

use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{CancellationToken, CoreError};
use zenml_pro_emulator::{EmulatorConfig, RunningEmulator};

use crate::app::{lock, App};
use crate::error::{IpcError, IpcResult};

/// Settings key of the demo account of the last run, deleted when the next run makes its own.
pub(crate) const DEMO_ACCOUNT_SETTING: &str = "demo_account";

/// The environment variable choosing the demo server's dialect (`default` or `variant`), so the demo
/// can show the app against the other shapes a real server may have.
pub const DEMO_DIALECT_ENV: &str = "ZENML_PRO_DESKTOP_DEMO_DIALECT";

pub(crate) fn demo_dialect() -> zenml_pro_emulator::Dialect {
    match std::env::var(DEMO_DIALECT_ENV) {
        Err(_) => zenml_pro_emulator::Dialect::Default,
        Ok(v) => v.trim().parse().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unknown demo dialect; using the default one");
            zenml_pro_emulator::Dialect::Default
        }),
    }
}

/// Starts the demo server inside the app on a loopback port, signs in to it with the demo key
/// (an admin of several organizations) and runs a first sync.
pub(crate) async fn start_demo(app: &App) -> IpcResult<zenml_pro_core::records::Account> {
    let mut demo = app.demo.lock().await;
    if let Some(d) = demo.as_ref() {
        if let Ok(a) = app.core().account(&d.account_id) {
            if a.signed_in {
                app.core().set_active_account(&a.id)?;
                return app.signed_in(&a);
            }
        }
    }
    if let Some(old) = demo.take() {
        old.emulator.shutdown().await;
    }
    let emulator = zenml_pro_emulator::start(EmulatorConfig {
        port: 0,
        auto_approve: true,
        dialect: demo_dialect(),
        ..Default::default()
    })
    .await
    .map_err(|e| IpcError::internal(format!("the demo server could not start: {e}")))?;
    let key = ApiKey::new(emulator.credentials().multi_org.key.clone());
    // The demo account's id, known before signing in, so its secrets go to memory from the start.
    let client = app.core().client(&emulator.base_url())?;
    let token = client.login_with_key(&key).await.map_err(CoreError::from)?;
    let me = client.me(&token.access_token).await.map_err(CoreError::from)?;
    let demo_id = zenml_pro_core::account_id(client.base_url(), me.id);
    lock(&app.secrets.demo_accounts).insert(demo_id.clone());
    // One demo account, not one per run: the demo server's port (and so the account's id) changes
    // from run to run, so the last run's demo account is signed out and its data deleted.
    if let Some(previous) = app.core().setting(DEMO_ACCOUNT_SETTING)?.filter(|p| *p != demo_id) {
        if app.core().account(&previous).is_ok() {
            lock(&app.secrets.demo_accounts).insert(previous.clone());
            if let Err(e) = app.core().logout(&previous, true).await {
                tracing::warn!(error = %e, "could not delete the last demo account");
            }
        }
    }
    app.core().set_setting(DEMO_ACCOUNT_SETTING, &demo_id)?;
    let account = app.core().login_with_key(&emulator.base_url(), key).await?;
    tracing::info!(url = %emulator.base_url(), "demo started");
    *demo = Some(Demo { emulator, account_id: account.id.clone() });
    drop(demo);
    app.shared.sync(&account.id, &CancellationToken::new()).await?;
    app.signed_in(&account)
}

/// Stops the in-app demo server (its cached data stays readable, as after losing the network).
pub(crate) async fn stop_demo(app: &App) -> IpcResult<()> {
    if let Some(d) = app.demo.lock().await.take() {
        d.emulator.shutdown().await;
        tracing::info!("demo server stopped");
    }
    Ok(())
}

/// The in-app demo server and the account signed in to it.
pub(crate) struct Demo {
    pub(crate) emulator: RunningEmulator,
    pub(crate) account_id: String,
}
