//! A bare Tauri 2 window, the reference `scripts/bench-desktop.sh` measures the app against: the
//! same Tauri (the workspace's, with the `tray-icon` feature), the same WebKit environment as the
//! app's `prepare_environment`, a tray icon built like the app's, and a static page embedded as its
//! frontend. Nothing else: no plugins, no state, no network.
//!
//! The page reports its first frame through the `painted` command, and the program logs
//! `first paint: <ms> ms since start` (info, to stderr), the line the benchmark reads from the app.

// No console window on Windows release builds (as the app).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::State;

/// When the program started, and whether the first paint has been logged.
struct Started {
    at: Instant,
    painted: AtomicBool,
}

/// The page has painted its first frame: logged once per process.
#[tauri::command]
fn painted(started: State<'_, Started>) {
    if !started.painted.swap(true, Ordering::Relaxed) {
        tracing::info!("first paint: {} ms since start", started.at.elapsed().as_millis());
    }
}

/// The app's WebKit settings (`prepare_environment` in `src-tauri`): accelerated compositing off on
/// Linux unless `ZENML_PRO_DESKTOP_GPU=1` or the variable is already set.
fn prepare_environment() {
    #[cfg(target_os = "linux")]
    {
        const COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
        let gpu =
            std::env::var("ZENML_PRO_DESKTOP_GPU").is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        if !gpu && std::env::var_os(COMPOSITING).is_none() {
            std::env::set_var(COMPOSITING, "1");
        }
    }
}

/// A tray icon as the app builds it (icon, tooltip, a menu shown on left click); a tray that cannot
/// be built is logged and the window carries on.
fn tray(app: &tauri::App) {
    let menu = match MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)
        .and_then(|quit| Menu::with_items(app, &[&quit]))
    {
        Ok(menu) => menu,
        Err(e) => return tracing::warn!(error = %e, "no tray menu"),
    };
    let builder = TrayIconBuilder::with_id("main")
        .icon(tauri::include_image!("../../icons/tray-light-32.png"))
        .tooltip("Bare Tauri 2 window")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|handle, event| {
            if event.id().as_ref() == "quit" {
                handle.exit(0);
            }
        });
    // Without the indicator library at run time, building the tray panics inside it (as in the app).
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build(app))) {
        Ok(Ok(_)) => tracing::info!("tray icon created"),
        Ok(Err(e)) => tracing::warn!(error = %e, "no tray icon"),
        Err(_) => tracing::warn!("no tray icon: the system tray library is missing"),
    }
}

fn main() {
    let at = Instant::now();
    prepare_environment();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    tracing::info!("starting");
    let app = tauri::Builder::default()
        .manage(Started { at, painted: AtomicBool::new(false) })
        .invoke_handler(tauri::generate_handler![painted])
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("zenml-pro-bare-window: could not start: {e}");
            std::process::exit(1);
        });
    tray(&app);
    app.run(|_, _| {});
}
