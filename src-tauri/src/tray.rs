//! The tray icon: the native side of `zenml_pro_app::tray`, and the window's life beside it.
//!
//! Everything the menu shows and does is decided in `crates/app` (`tray_menu` of `App::tray_state`,
//! and `App::tray_action`), where it is tested without a tray. This module only:
//! - turns a [`TrayMenu`] into a `tauri::menu::Menu` and puts it on the tray icon ([`create`]);
//! - routes a clicked item's id through [`TrayAction::from_id`] to `App::tray_action` ([`run_action`]),
//!   then shows the window or exits when the app says so;
//! - rebuilds the menu when the app's state changes ([`refresh`], called for every state-changing
//!   [`AppEvent`], coalesced, and once a minute so "synced 3 min ago" stays true);
//! - hides the window instead of closing it when the close-to-tray setting is on and a tray is
//!   actually shown ([`on_window_event`]).
//!
//! A tray that cannot be created, or that no StatusNotifier host shows (some Linux desktops), is
//! logged as a warning; the app carries on through its window, and closing the window then quits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};
use tokio::sync::Notify;
use zenml_pro_app::tray::TrayItem;
use zenml_pro_app::{tray_menu, App, AppEvent, TrayAction, TrayIconStyle, TrayMenu, TrayOutcome};

/// The tray icon's id.
pub const TRAY_ID: &str = "main";
/// The window the tray shows and hides.
pub const MAIN_WINDOW: &str = "main";
/// How often the menu is rebuilt without a change of state (the header's age is in minutes).
const REBUILD_EVERY: Duration = Duration::from_secs(60);
/// Whether the tray icon is a template image: on macOS the menu bar draws a black-and-clear mark in
/// its own colour, for light and dark menu bars alike; elsewhere the flag is ignored.
const TEMPLATE_ICON: bool = cfg!(target_os = "macos");

/// The tray as managed state: whether one was created, and the signal that rebuilds its menu.
pub struct Tray {
    created: AtomicBool,
    rebuild: Arc<Notify>,
}

impl Tray {
    /// Whether a tray icon exists and a StatusNotifier host shows it: only then may closing the
    /// window hide it.
    pub fn shown(&self) -> bool {
        self.created.load(Ordering::Relaxed) && status_notifier_host()
    }
}

/// Whether an event changes what the tray shows.
pub fn affects_tray(event: &AppEvent) -> bool {
    match event {
        AppEvent::SyncProgress { .. }
        | AppEvent::OffboardProgress { .. }
        | AppEvent::Notification { .. }
        | AppEvent::Notice { .. } => false,
        // The tray offers an update on offer (and not while it installs); progress changes nothing there.
        AppEvent::UpdateStatus { status } => {
            !matches!(status.state, zenml_pro_app::UpdateState::Downloading { downloaded, .. } if downloaded > 0)
        }
        // The tray lists organizations by name: a sync, or a rename.
        AppEvent::DataChanged { org_id, entities, .. } => {
            org_id.is_none() || entities.contains(&zenml_pro_app::Entity::Organizations)
        }
        AppEvent::SyncFinished { .. }
        | AppEvent::ActiveOrgChanged { .. }
        | AppEvent::SessionChanged {}
        | AppEvent::Connectivity { .. }
        | AppEvent::SettingsChanged { .. } => true,
    }
}

/// How long a change waits before the menu is rebuilt (changes meanwhile join the same rebuild).
const REBUILD_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// Asks for the menu to be rebuilt (coalesced: many changes at once give one rebuild). Does nothing
/// before [`create`].
pub fn refresh<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(tray) = handle.try_state::<Tray>() {
        tray.rebuild.notify_one();
    }
}

/// Creates the tray icon with its menu and starts rebuilding it on changes. Never fails: without a
/// tray the app is used through its window.
pub fn create<R: Runtime>(app: &tauri::App<R>) {
    let rebuild = Arc::new(Notify::new());
    app.manage(Tray { created: AtomicBool::new(false), rebuild: rebuild.clone() });
    let handle = app.handle().clone();
    if !status_notifier_host() {
        tracing::warn!(
            "no StatusNotifier host on this desktop: the tray icon will not be shown; \
             use the window (closing it quits)"
        );
    }
    match build(app, &handle) {
        Ok(()) => {
            app.state::<Tray>().created.store(true, Ordering::Relaxed);
            tracing::info!("tray icon created");
        }
        Err(why) => tracing::warn!(error = %why, "no tray icon: use the window (closing it quits)"),
    }
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::select! {
                () = rebuild.notified() => {
                    // Let the window answer and paint the change first: building a menu of a few
                    // hundred organizations runs on the main thread, which also paints the window.
                    tokio::time::sleep(REBUILD_AFTER).await;
                }
                () = tokio::time::sleep(REBUILD_EVERY) => {}
            }
            if let Some(tray) = handle.tray_by_id(TRAY_ID) {
                match menu(&handle) {
                    Ok(menu) => {
                        if let Err(e) = tray.set_menu(Some(menu)) {
                            tracing::warn!(error = %e, "could not update the tray menu");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not build the tray menu"),
                }
            }
        }
    });
}

/// Builds the tray icon with the current menu.
fn build<R: Runtime>(app: &tauri::App<R>, handle: &AppHandle<R>) -> Result<(), String> {
    let menu = menu(handle).map_err(|e| e.to_string())?;
    let style = handle.try_state::<App>().map(|app| app.settings().tray_icon).unwrap_or_default();
    let builder = TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(style))
        .icon_as_template(TEMPLATE_ICON)
        .tooltip("ZenML Pro Desktop")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|handle, event| match TrayAction::from_id(event.id().as_ref()) {
            Some(action) => run_action(handle.clone(), action),
            None => tracing::debug!(id = event.id().as_ref(), "a menu event that is not the tray's"),
        });
    // Without the indicator library at run time, building the tray panics inside it: caught, so a
    // missing library costs the tray and not the app.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build(app))) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the system tray library (libayatana-appindicator3-1) is missing".to_owned()),
    }
}

/// The tray icon of a style: the light mark for dark panels, the dark one for light panels. On macOS
/// the one template mark, whatever the style: the menu bar colours it.
fn icon(style: TrayIconStyle) -> Image<'static> {
    if TEMPLATE_ICON {
        return tauri::include_image!("../icons/tray-template-32.png");
    }
    match style {
        TrayIconStyle::Light => tauri::include_image!("../icons/tray-light-32.png"),
        TrayIconStyle::Dark => tauri::include_image!("../icons/tray-dark-32.png"),
    }
}

/// Shows the tray icon in another style (the setting changed).
pub fn set_icon_style<R: Runtime>(handle: &AppHandle<R>, style: TrayIconStyle) {
    if let Some(tray) = handle.tray_by_id(TRAY_ID) {
        // `set_icon` alone would clear the template flag on macOS.
        if let Err(e) = tray.set_icon_with_as_template(Some(icon(style)), TEMPLATE_ICON) {
            tracing::warn!(error = %e, "could not change the tray icon");
        }
    }
}

/// A launch with `--hidden` (start at login): the window is hidden at once, when a tray is shown to
/// bring it back; without one the window stays, since nothing else could show it.
pub fn start_hidden<R: Runtime>(app: &AppHandle<R>) {
    if !app.try_state::<Tray>().is_some_and(|t| t.shown()) {
        tracing::warn!("asked to start hidden, but no tray is shown: showing the window");
        return;
    }
    match app.get_webview_window(MAIN_WINDOW).map(|w| w.hide()) {
        Some(Ok(())) => tracing::info!("started hidden in the tray"),
        Some(Err(e)) => tracing::warn!(error = %e, "could not hide the window"),
        None => tracing::warn!("asked to start hidden, but there is no window yet"),
    }
}

/// Runs a tray action through `App::tray_action` (the handler the tests drive), then does what is
/// left to the shell, and rebuilds the menu. Also used for a second launch's `--tray-action`.
pub fn run_action<R: Runtime>(handle: AppHandle<R>, action: TrayAction) {
    tauri::async_runtime::spawn(async move {
        let outcome = match handle.try_state::<App>() {
            Some(app) => app.tray_action(action).await,
            None => return,
        };
        match outcome {
            Ok(TrayOutcome::Done) => {}
            Ok(TrayOutcome::ShowWindow) => show_window(&handle),
            Ok(TrayOutcome::Quit) => handle.exit(0),
            Err(e) => tracing::warn!(code = ?e.code, error = %e, "tray action failed"),
        }
        refresh(&handle);
    });
}

/// Shows, restores and focuses the main window.
pub fn show_window<R: Runtime>(handle: &AppHandle<R>) {
    let Some(window) = handle.get_webview_window(MAIN_WINDOW) else { return };
    for (what, result) in
        [("show", window.show()), ("unminimize", window.unminimize()), ("focus", window.set_focus())]
    {
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not {what} the window");
        }
    }
}

/// Closing the main window hides it to the tray when the setting is on and a tray is shown;
/// otherwise the window closes (and with it the app).
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else { return };
    if window.label() != MAIN_WINDOW {
        return;
    }
    let handle = window.app_handle();
    let hide = handle.try_state::<App>().is_some_and(|app| app.close_to_tray())
        && handle.try_state::<Tray>().is_some_and(|tray| tray.shown());
    if hide {
        api.prevent_close();
        if let Err(e) = window.hide() {
            tracing::warn!(error = %e, "could not hide the window");
        }
    }
}

/// The native menu of the app's current state.
fn menu<R: Runtime>(handle: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let model = match handle.try_state::<App>().map(|app| app.tray_state()) {
        Some(Ok(state)) => tray_menu(&state, chrono::Utc::now()),
        Some(Err(e)) => {
            tracing::warn!(code = ?e.code, error = %e, "could not read the tray's state");
            return fallback(handle);
        }
        None => return fallback(handle),
    };
    native(handle, &model)
}

/// A menu that still opens the window and quits when the state cannot be read.
fn fallback<R: Runtime>(handle: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let model = TrayMenu {
        items: vec![
            TrayItem::Action {
                label: "Open ZenML Pro Desktop".into(),
                action: TrayAction::OpenWindow,
                enabled: true,
            },
            TrayItem::Action { label: "Quit".into(), action: TrayAction::Quit, enabled: true },
        ],
    };
    native(handle, &model)
}

/// [`TrayMenu`] → `tauri::menu::Menu`: each item's id is its action's [`TrayAction::to_id`].
pub fn native<R: Runtime>(handle: &AppHandle<R>, model: &TrayMenu) -> tauri::Result<Menu<R>> {
    let mut items: Vec<Box<dyn IsMenuItem<R>>> = Vec::with_capacity(model.items.len());
    for item in &model.items {
        items.push(match item {
            TrayItem::Text(text) => Box::new(MenuItem::new(handle, literal(text), false, None::<&str>)?),
            TrayItem::Separator => Box::new(PredefinedMenuItem::separator(handle)?),
            TrayItem::Action { label, action, enabled } => {
                Box::new(MenuItem::with_id(handle, action.to_id(), literal(label), *enabled, None::<&str>)?)
            }
            TrayItem::Check { label, action, checked, enabled } => Box::new(CheckMenuItem::with_id(
                handle,
                action.to_id(),
                literal(label),
                *enabled,
                *checked,
                None::<&str>,
            )?),
        });
    }
    let refs: Vec<&dyn IsMenuItem<R>> = items.iter().map(|i| i.as_ref()).collect();
    Menu::with_items(handle, &refs)
}

/// A label shown as written: `&` marks a mnemonic in menu labels, so a name's own `&` is doubled.
fn literal(text: &str) -> String {
    text.replace('&', "&&")
}

/// Whether a StatusNotifier host is registered on the session bus (Linux); elsewhere the system
/// always has a tray.
#[cfg(target_os = "linux")]
pub fn status_notifier_host() -> bool {
    const WATCHER: &str = "org.kde.StatusNotifierWatcher";
    let host = || -> zbus::Result<bool> {
        let conn = zbus::blocking::Connection::session()?;
        // Asked first, so that no watcher is activated just by looking for one.
        if !zbus::blocking::fdo::DBusProxy::new(&conn)?.name_has_owner(WATCHER.try_into()?)? {
            return Ok(false);
        }
        let proxy = zbus::blocking::proxy::Builder::<zbus::blocking::Proxy>::new(&conn)
            .destination(WATCHER)?
            .path("/StatusNotifierWatcher")?
            .interface(WATCHER)?
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()?;
        proxy.get_property::<bool>("IsStatusNotifierHostRegistered")
    };
    host().unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
pub fn status_notifier_host() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_their_ampersands() {
        assert_eq!(literal("R&D"), "R&&D");
        assert_eq!(literal("a_b"), "a_b");
    }

    #[test]
    fn progress_does_not_rebuild_the_menu_but_changes_do() {
        let progress = AppEvent::SyncProgress {
            stage: zenml_pro_app::SyncStage::Listing,
            done: 0,
            total: 0,
            organization: None,
        };
        assert!(!affects_tray(&progress));
        assert!(affects_tray(&AppEvent::SessionChanged {}));
        assert!(affects_tray(&AppEvent::ActiveOrgChanged { account_id: "a".into(), org_id: "o".into() }));
        assert!(!affects_tray(&AppEvent::DataChanged {
            account_id: "a".into(),
            org_id: Some("o".into()),
            entities: vec![zenml_pro_app::Entity::Members],
        }));
        assert!(affects_tray(&AppEvent::DataChanged {
            account_id: "a".into(),
            org_id: Some("o".into()),
            entities: vec![zenml_pro_app::Entity::Organization, zenml_pro_app::Entity::Organizations],
        }));
    }
}
