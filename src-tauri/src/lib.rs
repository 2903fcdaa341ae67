//! ZenML Pro Desktop's Tauri shell. It only wires: the window, the `opener` and `dialog` plugins (used
//! from Rust only: links and folders opened, the save dialog of an export), the commands (each
//! an adapter to `zenml_pro_app::App`, generated in [`commands`] from the app's command table), the
//! `"app-event"` event and the capabilities. All logic lives in `crates/app` and `crates/core`, tested without a window.
//!
//! - [`builder`] / [`configure`]: the builder, generic over the runtime so tests drive the commands
//!   through `tauri::test::mock_builder()`.
//! - [`install`]: manages the [`App`] on the built app (its events emitted through the `AppHandle`, its
//!   links opened by the opener plugin, its exports' files asked in the dialog plugin's native save
//!   dialog) and resumes it (the demo, or the background refresh).
//! - [`tray`]: the tray icon over `zenml_pro_app::tray` (menu rebuilt on every state-changing event),
//!   and the window hidden to it on close when the close-to-tray setting is on.
//! - [`updater`]: in-app updates through the updater plugin, only in builds given an update server
//!   (`ZENML_PRO_UPDATE_ENDPOINT` and `ZENML_PRO_UPDATE_PUBKEY` when compiled).
//! - [`run`]: the program: flags, logging, configuration, one instance (a second launch focuses the
//!   running one, or runs its `--tray-action`).
//! - The main window's size, position and maximised state are saved at quit and restored at start
//!   ([`window_state`], not in demo mode); start at login is the app's
//!   [`zenml_pro_app::settings::Autostart`]: the freedesktop entry on Linux, and from [`autostart`] a
//!   LaunchAgent through the autostart plugin (macOS) or the app's `Run` key value (Windows).
//! - macOS: a `zenml-pro-desktop://` link arrives as an "open URLs" event (not on the command line),
//!   and a click on the Dock icon shows the window hidden to the menu bar.
//!
//! To add a command: one row in the table of `crates/app/src/ipc.rs`; its adapter here, its place in
//! the handler and its TypeScript wrapper are generated from it (see that module). The webview gets no
//! new permission for it: app commands need none, and `capabilities/default.json` stays minimal.
//!
//! Configuration: `--demo` (or `ZENML_PRO_DESKTOP_DEMO=1`) starts the demo at launch and keeps the
//! session in an in-memory keyring (only in demo mode; otherwise the OS keyring);
//! `--hidden` starts in the tray without showing the window (what "start at login" launches; only
//! when a tray is shown). A `zenml-pro-desktop://org/<id-or-name>` argument opens that organization
//! (a second launch hands it to the running app).
//! `ZENML_PRO_API_URL`, `ZENML_PRO_URL`, `ZENML_PRO_KITARU_URL` (a Kitaru workspace's dashboard),
//! `ZENML_PRO_DESKTOP_DATA_DIR`; `RUST_LOG` (default `info`, to stderr). `--tray-action <id>` runs a
//! tray menu item (its id as the menu has it, a `zenml_pro_app::TrayAction` in JSON) in the running
//! app, through the same handler as the menu: for scripts and the end-to-end suite.

pub mod autostart;
pub mod commands;
pub mod tray;
pub mod updater;

use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, RunEvent, Runtime};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use zenml_pro_app::settings::HIDDEN_FLAG;
use zenml_pro_app::{
    deeplink, App, AppConfig, AppEvent, EventSink, SaveDialog, SaveDialogReply, SaveDialogRequest,
    TrayAction, TrayOutcome, UpdateConfig, UrlOpener, EVENT_NAME,
};

/// Delivers [`AppEvent`]s to every window as `"app-event"`, and has the tray menu rebuilt after those
/// that change what it shows.
pub struct TauriEvents<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> EventSink for TauriEvents<R> {
    fn emit(&self, event: AppEvent) {
        if tray::affects_tray(&event) {
            tray::refresh(&self.0);
        }
        match &event {
            AppEvent::Notification { title, body, .. } => notify(&self.0, title, body),
            AppEvent::SettingsChanged { settings } => tray::set_icon_style(&self.0, settings.tray_icon),
            _ => {}
        }
        if let Err(e) = self.0.emit(EVENT_NAME, event) {
            tracing::warn!(error = %e, "could not emit an event");
        }
    }
}

/// Shows a native notification; where the desktop has no notification service it is only logged.
fn notify<R: Runtime>(handle: &AppHandle<R>, title: &str, body: &str) {
    use tauri_plugin_notification::NotificationExt;
    tracing::info!(title, body, "notification");
    let (title, body) =
        (zenml_pro_app::notify::desktop_text(title), zenml_pro_app::notify::desktop_text(body));
    if let Err(e) = handle.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "could not show a notification");
    }
}

/// Opens links in the user's browser from Rust (the webview has no opener permission).
pub struct TauriOpener<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> UrlOpener for TauriOpener<R> {
    fn open_url(&self, url: &str) -> Result<(), String> {
        self.0.opener().open_url(url, None::<&str>).map_err(|e| e.to_string())
    }

    fn open_path(&self, path: &std::path::Path) -> Result<(), String> {
        self.0.opener().open_path(path.to_string_lossy(), None::<&str>).map_err(|e| e.to_string())
    }
}

/// Shows the desktop's native save dialog from Rust, over the main window (the webview has no dialog
/// permission: the path comes from the dialog, never from the webview). The dialog plugin opens it on
/// the main thread and answers from a thread of its own.
pub struct TauriSaveDialog<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> SaveDialog for TauriSaveDialog<R> {
    fn ask_save_path(&self, request: SaveDialogRequest, reply: SaveDialogReply) {
        let mut dialog = self
            .0
            .dialog()
            .file()
            .set_title(request.title)
            .set_directory(request.folder)
            .set_file_name(request.file_name)
            .add_filter(request.filter_name, &[request.extension.as_str()]);
        if let Some(window) = self.0.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        dialog.save_file(move |chosen| {
            let path = chosen.and_then(|p| match p.into_path() {
                Ok(path) => Some(path),
                Err(e) => {
                    tracing::warn!(error = %e, "the save dialog answered something that is not a file");
                    None
                }
            });
            reply(path);
        });
    }
}

/// Saves the main window's size, position and maximised state at quit (and on close) and restores
/// them when the window is created, in `.window-state.json` of the app's config folder:
/// `$XDG_CONFIG_HOME/io.zenml.pro-desktop` (else `~/.config/…`) on Linux,
/// `~/Library/Application Support/io.zenml.pro-desktop` on macOS, `%APPDATA%\io.zenml.pro-desktop` on
/// Windows (`ZENML_PRO_DESKTOP_DATA_DIR` does not move it). Visibility is left out, so a `--hidden`
/// start stays in the tray whatever the last run showed.
pub fn window_state<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_window_state::StateFlags;
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// The plugins and commands on a given builder (`tauri::test::mock_builder()` in tests).
pub fn configure<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(tray::on_window_event)
        .invoke_handler(commands::handler())
}

/// The app's builder: one instance (registered first, so a second launch goes no further than
/// handing its arguments over), the autostart plugin on macOS (a LaunchAgent launching `--hidden`),
/// then the plugins and commands; services are added by [`install`].
pub fn builder<R: Runtime>() -> tauri::Builder<R> {
    let builder = tauri::Builder::<R>::new()
        .plugin(tauri_plugin_single_instance::init(|handle, argv, _cwd| second_launch(handle, argv)));
    #[cfg(target_os = "macos")]
    let builder = builder.plugin(tauri_plugin_autostart::Builder::new().arg(HIDDEN_FLAG).build());
    configure(builder)
}

/// The program's builder: [`builder`], and the window state ([`window_state`]) except in demo mode,
/// whose window keeps its configured size (its screenshots stay alike, and the size the user's own
/// runs saved is left alone).
fn program_builder(demo: bool) -> tauri::Builder<tauri::Wry> {
    let builder = builder::<tauri::Wry>();
    if demo {
        builder
    } else {
        builder.plugin(window_state())
    }
}

/// A second launch: opens its deep link, or runs its `--tray-action`, if it has one, else shows the
/// running window.
fn second_launch<R: Runtime>(handle: &AppHandle<R>, argv: Vec<String>) {
    if let Some(url) = deeplink::find_in_args(argv.clone()) {
        open_link(handle.clone(), url);
        return;
    }
    match tray_action_arg(argv) {
        Some(Ok(action)) => tray::run_action(handle.clone(), action),
        Some(Err(id)) => tracing::warn!(id, "a second launch asked for an unknown tray action"),
        None => {
            tracing::info!("a second launch: showing the running window");
            tray::show_window(handle);
        }
    }
}

/// Opens a `zenml-pro-desktop://` link through `App::open_deep_link`, then shows the window.
fn open_link<R: Runtime>(handle: AppHandle<R>, url: String) {
    tauri::async_runtime::spawn(async move {
        let Some(app) = handle.try_state::<App>() else { return };
        if app.open_deep_link(&url).await == TrayOutcome::ShowWindow {
            tray::show_window(&handle);
        }
    });
}

/// The `--tray-action <id>` of a command line: `None` without one, `Err(id)` for an id that is not a
/// tray action.
fn tray_action_arg(args: impl IntoIterator<Item = String>) -> Option<Result<TrayAction, String>> {
    let mut args = args.into_iter().skip(1);
    while let Some(a) = args.next() {
        if a == "--tray-action" {
            let id = args.next().unwrap_or_default();
            return Some(TrayAction::from_id(&id).ok_or(id));
        }
    }
    None
}

/// Manages the [`App`] on a built app (before its event loop runs, so before any command can arrive),
/// its events emitted through the app's handle, and resumes it: the demo in demo mode, else the
/// background refresh of the signed-in account. On macOS and Windows start at login is the shell's
/// own ([`autostart`]).
pub fn install<R: Runtime>(app: &tauri::App<R>, config: AppConfig) -> Result<(), zenml_pro_app::IpcError> {
    install_with_updates(app, config, None)
}

/// [`install`], with in-app updates from `updates` (the app must have been [`updater::wire`]d with
/// the same configuration).
pub fn install_with_updates<R: Runtime>(
    app: &tauri::App<R>,
    config: AppConfig,
    updates: Option<UpdateConfig>,
) -> Result<(), zenml_pro_app::IpcError> {
    let handle = app.handle().clone();
    let mut services =
        App::new(config, Arc::new(TauriEvents(handle.clone())), Arc::new(TauriOpener(handle.clone())))?
            .with_save_dialog(Arc::new(TauriSaveDialog(handle.clone())));
    if let Some(updates) = updates {
        services = services.with_updater(Arc::new(updater::PluginUpdates::new(handle.clone(), updates)));
    }
    #[cfg(target_os = "macos")]
    let services = services.with_autostart(Arc::new(autostart::LaunchAgent(handle.clone())));
    #[cfg(target_os = "windows")]
    let services = services.with_autostart(Arc::new(autostart::RunKey::new(
        &handle.package_info().name,
        &std::env::current_exe().unwrap_or_else(|_| "zenml-pro-desktop.exe".into()),
    )));
    app.manage(services);
    tauri::async_runtime::spawn(async move {
        if let Err(e) = handle.state::<App>().resume().await {
            tracing::error!(code = ?e.code, error = %e, "could not resume");
        }
    });
    Ok(())
}

/// Whether the command line asks for demo mode.
fn demo_flag(args: impl IntoIterator<Item = String>) -> bool {
    args.into_iter().skip(1).any(|a| a == "--demo")
}

/// `ZENML_PRO_DESKTOP_GPU=1`: keep WebKit's GPU compositing (off by default, see
/// [`prepare_environment`]).
pub const GPU_ENV: &str = "ZENML_PRO_DESKTOP_GPU";

/// Sets up the environment WebKitGTK reads at start; call first thing in `main`, before any thread.
///
/// On Linux, WebKit's accelerated compositing is turned off (`WEBKIT_DISABLE_COMPOSITING_MODE=1`)
/// unless `ZENML_PRO_DESKTOP_GPU=1` or the variable is already set: the app's pages are plain
/// documents with nothing to composite, and the GPU path costs the web process about 80 MB (its
/// GL buffers) and, on some drivers and remote or virtual displays, blank or flickering windows.
pub fn prepare_environment() {
    #[cfg(target_os = "linux")]
    {
        const COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
        let gpu = std::env::var(GPU_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        if !gpu && std::env::var_os(COMPOSITING).is_none() {
            std::env::set_var(COMPOSITING, "1");
        }
    }
}

/// The program.
pub fn run() {
    let _log = zenml_pro_app::logging::init("zenml-pro-desktop", "info");
    let demo = demo_flag(std::env::args()) || zenml_pro_app::demo_requested_by_env();
    let config = match AppConfig::from_env(demo) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("zenml-pro-desktop: {e}");
            std::process::exit(1);
        }
    };
    tracing::info!(demo, version = env!("CARGO_PKG_VERSION"), "starting");
    let updates = UpdateConfig::from_build();
    let mut context = tauri::generate_context!();
    let app = updater::wire(program_builder(demo), &mut context, updates.as_ref())
        .build(context)
        .unwrap_or_else(|e| {
            eprintln!("zenml-pro-desktop: could not start: {e}");
            std::process::exit(1);
        });
    if let Err(e) = install_with_updates(&app, config, updates) {
        eprintln!("zenml-pro-desktop: could not open the app's data: {e}");
        std::process::exit(1);
    }
    tray::create(&app);
    let hidden = std::env::args().skip(1).any(|a| a == HIDDEN_FLAG);
    if let Some(url) = deeplink::find_in_args(std::env::args()) {
        open_link(app.handle().clone(), url);
    }
    match tray_action_arg(std::env::args()) {
        Some(Ok(action)) => tray::run_action(app.handle().clone(), action),
        Some(Err(id)) => tracing::warn!(id, "unknown tray action on the command line"),
        None => {}
    }
    app.run(move |handle, event| match event {
        // The window from the configuration exists once the loop is ready.
        RunEvent::Ready if hidden => tray::start_hidden(handle),
        // macOS hands a clicked `zenml-pro-desktop://` link to the app as an event, not as an argument.
        #[cfg(target_os = "macos")]
        RunEvent::Opened { urls } => {
            if let Some(url) = urls.iter().map(|u| u.to_string()).find(|u| deeplink::is_link(u)) {
                open_link(handle.clone(), url);
            }
        }
        // A click on the Dock icon while the window is hidden to the menu bar brings it back.
        #[cfg(target_os = "macos")]
        RunEvent::Reopen { has_visible_windows: false, .. } => tray::show_window(handle),
        RunEvent::Exit => tauri::async_runtime::block_on(handle.state::<App>().shutdown()),
        _ => {}
    });
}

#[cfg(test)]
mod tests {
    use super::{demo_flag, tray_action_arg};
    use zenml_pro_app::TrayAction;

    #[test]
    fn a_tray_action_is_read_from_the_command_line() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let id = TrayAction::SwitchOrg { account_id: "a".into(), org_id: "o".into() }.to_id();
        assert_eq!(
            tray_action_arg(args(&["zenml-pro-desktop", "--tray-action", &id])),
            Some(Ok(TrayAction::SwitchOrg { account_id: "a".into(), org_id: "o".into() }))
        );
        assert_eq!(
            tray_action_arg(args(&["zenml-pro-desktop", "--tray-action", "quit"])),
            Some(Err("quit".into()))
        );
        assert_eq!(tray_action_arg(args(&["zenml-pro-desktop", "--demo"])), None);
    }

    #[test]
    fn the_demo_flag_is_read_after_the_program_name() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(demo_flag(args(&["zenml-pro-desktop", "--demo"])));
        assert!(!demo_flag(args(&["zenml-pro-desktop"])));
        assert!(!demo_flag(args(&["--demo"])));
    }
}
