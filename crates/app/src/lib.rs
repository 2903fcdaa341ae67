//! ZenML Pro Desktop's service layer, without Tauri: what the window's commands call, testable with a
//! plain `cargo test`.
//!
//! - [`App`]: holds the [`zenml_pro_core::Core`], the in-app demo server, the browser sign-in in
//!   progress and the background refresh. Each public async fn is what exactly one Tauri command calls
//!   (the shell in `src-tauri` only adapts them).
//! - [`views`]: the IPC view models, UI-friendly shapes mapped from core's records (RFC 3339 dates,
//!   string ids, never a secret).
//! - [`events`]: [`AppEvent`], the one typed event (`"app-event"`), and the [`EventSink`] and
//!   [`UrlOpener`] traits the shell implements.
//! - [`tray`]: the tray menu as a pure function of [`App::tray_state`], its typed actions (run by
//!   [`App::tray_action`]) and the close-to-tray setting.
//! - [`settings`]: the desktop settings of this computer (tray, start at login, notifications).
//! - [`notify`]: which changes a sync saw become native notifications.
//! - [`deeplink`]: `zenml-pro-desktop://org/<id-or-name>` links.
//! - [`error`]: [`IpcError`] `{code, message, fields}` with the closed [`ErrorCode`] set.
//! - [`bindings`]: exports the TypeScript types of all of the above (ts-rs) into
//!   `ui/src/lib/bindings/`.
//!
//! To change the IPC contract: edit a view model (or add one to [`bindings::export`]), then
//! regenerate the TypeScript with `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`
//! and commit the result; `tests/bindings.rs` fails while the committed files differ. A new command
//! also needs its adapter in `src-tauri/src/commands.rs`, its `generate_handler!` entry, and its
//! wrapper in `ui/src/lib/bindings/commands.ts` (a test checks that every command has one).

mod app;
#[cfg(feature = "ts")]
pub mod bindings;
pub mod deeplink;
mod demo;
mod desktop;
pub mod error;
pub mod events;
pub mod ipc;
mod links;
pub mod notify;
mod reads;
mod refresh;
mod secrets;
mod session;
pub mod settings;
pub mod tray;
pub mod views;
mod writes;

pub use app::{
    demo_requested_by_env, App, AppConfig, API_URL_ENV, DASHBOARD_URL_ENV, DEFAULT_DASHBOARD_URL,
    DEFAULT_MEMBER_PAGE, DEMO_ENV, MAX_MEMBER_PAGE, REFRESH_INTERVAL,
};
pub use demo::DEMO_DIALECT_ENV;
pub use error::{ErrorCode, FieldMessage, IpcError, IpcResult};
pub use events::{AppEvent, EventSink, Recorder, SyncStage, UrlOpener, EVENT_NAME};
pub use settings::{DesktopSettings, TrayIconStyle};
pub use tray::{tray_menu, TrayAction, TrayMenu, TrayOutcome, TrayState};
pub use zenml_pro_core::{logging, Entity};
