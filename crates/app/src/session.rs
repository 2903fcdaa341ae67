//! Signing in and out: keys, passwords, the browser sign-in, switching accounts.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use zenml_pro_core::api::{ApiKey, Password};

use crate::app::{lock, App};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::views::*;

// ----- commands: session -----

/// The UI has painted its first organization list: logs `first paint: <ms> ms since start` once
/// per process (later calls do nothing), the cold-start figure `scripts/bench-desktop.sh` reads.
pub(crate) fn ui_painted(app: &App) -> IpcResult<()> {
    if !app.painted.swap(true, Ordering::Relaxed) {
        tracing::info!("first paint: {} ms since start", app.started.elapsed().as_millis());
    }
    Ok(())
}

pub(crate) async fn app_state(app: &App) -> IpcResult<AppStateView> {
    let active = app.core().active_account()?.map(|a| a.id);
    let accounts = app
        .core()
        .accounts()?
        .iter()
        .map(|a| zenml_pro_core::records::Account::new(a, active.as_deref() == Some(a.id.as_str())))
        .collect();
    Ok(AppStateView {
        accounts,
        active_account: active,
        demo: app.demo_mode || app.demo.lock().await.is_some(),
        cache_notice: lock(&app.cache_notice)
            .clone()
            .or_else(|| app.core().take_cache_notice().map(|n| n.to_string())),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        default_api_url: app.default_api_url.clone(),
        online: *lock(&app.shared.online),
    })
}

pub(crate) async fn login_with_key(
    app: &App,
    url: String,
    key: String,
) -> IpcResult<zenml_pro_core::records::Account> {
    let a = app.core().login_with_key(&url, ApiKey::new(key)).await?;
    app.signed_in(&a)
}

pub(crate) async fn login_with_password(
    app: &App,
    url: String,
    username: String,
    password: String,
) -> IpcResult<zenml_pro_core::records::Account> {
    let a = app.core().login_with_password(&url, &username, Password::new(password)).await?;
    app.signed_in(&a)
}

/// Starts a browser sign-in and opens the verification page. A sign-in already waiting is cancelled.
pub(crate) async fn begin_device_login(app: &App, url: String) -> IpcResult<DeviceLoginView> {
    let login = Arc::new(app.core().begin_device_login(&url).await?);
    if let Some(old) = lock(&app.device).replace(login.clone()) {
        old.cancel();
    }
    if let Err(e) = app.open_web_page(&login.verification_url) {
        if e.code == ErrorCode::Server {
            // Not a web page: neither opened nor shown as one.
            login.cancel();
            lock(&app.device).take();
            return Err(IpcError::new(
                ErrorCode::Server,
                format!("the server's sign-in page cannot be used: {}", e.message),
            ));
        }
        // The page's address is shown in the window, so the user can still open it by hand.
        tracing::warn!(error = %e, "could not open the verification page");
    }
    Ok(DeviceLoginView {
        verification_url: login.verification_url.clone(),
        user_code: login.user_code.clone(),
        expires_in: u32::try_from(login.expires_in).unwrap_or(u32::MAX),
    })
}

/// Waits until the browser sign-in begun last is approved, denied, expired or cancelled.
pub(crate) async fn complete_device_login(app: &App) -> IpcResult<zenml_pro_core::records::Account> {
    let login = lock(&app.device)
        .clone()
        .ok_or_else(|| IpcError::invalid("no browser sign-in is in progress: begin one first"))?;
    let result = app.core().complete_device_login(&login).await;
    {
        let mut slot = lock(&app.device);
        if slot.as_ref().is_some_and(|l| Arc::ptr_eq(l, &login)) {
            *slot = None;
        }
    }
    app.signed_in(&result?)
}

/// Stops the browser sign-in that is waiting (it then fails with `cancelled`).
pub(crate) fn cancel_device_login(app: &App) -> IpcResult<()> {
    if let Some(login) = lock(&app.device).take() {
        login.cancel();
    }
    Ok(())
}

pub(crate) async fn logout(app: &App, account_id: String, purge: bool) -> IpcResult<()> {
    let was_active = app.core().active_account()?.is_some_and(|a| a.id == account_id);
    app.core().logout(&account_id, purge).await?;
    app.stop_following();
    if was_active {
        let next = app.core().active_account()?.filter(|a| a.signed_in).map(|a| a.id);
        app.restart_refresh(next);
    }
    app.session_changed();
    Ok(())
}

pub(crate) fn switch_account(app: &App, account_id: String) -> IpcResult<zenml_pro_core::records::Account> {
    app.core().set_active_account(&account_id)?;
    let a = app.core().account(&account_id)?;
    app.restart_refresh(a.signed_in.then(|| a.id.clone()));
    app.session_changed();
    app.account_view(&a)
}
