//! ZenML Pro Desktop's service layer, without Tauri: what the window's commands call, testable with a
//! plain `cargo test`.
//!
//! - [`ipc`]: the command table, the one place each command is declared; the [`App`] methods, the
//!   shell's adapters and handler, and `ui/src/lib/bindings/commands.ts` are generated from it.
//! - [`App`] (`app`): holds the [`zenml_pro_core::Core`] and the desktop's state; its concerns live in
//!   `session` (sign-in), `demo`, `refresh` (syncs and the background loop), `reads`, `writes`, `teams` (teams and scoped roles), `workspaces` (a
//!   workspace's lifecycle, followed in the background), `links`
//!   (what it opens outside itself), `desktop` (settings, tray, deep links) and `secrets`.
//! - `people` and `ipc_people`: the pages across organizations (People, a person, Home) and their rows
//!   of the command table.
//! - `service_accounts` and `ipc_service_accounts`: an organization's service accounts and their API
//!   keys (a new key's value reaches the window once, as the result of the command that made it).
//! - [`review`] and `ipc_review`: the access review, the activity log with undo, and exports written
//!   from the window (the native save dialog asked through [`SaveDialog`], a whole-file save, Show in
//!   folder only for what was saved), and their rows of the command table.
//! - [`updates`]: in-app updates (a build-time update server, the check by hand and once a day, the
//!   install the user asks for) over the [`UpdateService`] the shell implements with its updater plugin.
//! - [`views`]: the IPC view models, UI-friendly shapes over core's records and its one model of labels
//!   (RFC 3339 dates, string ids, never a secret but one: a new API key's value, in the answer of the
//!   command that made it).
//! - [`events`]: [`AppEvent`], the one typed event (`"app-event"`; `data_changed` names the entities a
//!   change touched), and the [`EventSink`], [`UrlOpener`] and [`SaveDialog`] traits the shell implements.
//! - [`tray`]: the tray menu as a pure function of [`App::tray_state`], its typed actions (run by
//!   [`App::tray_action`]) and the close-to-tray setting.
//! - [`settings`], [`notify`], [`deeplink`], [`error`] ([`IpcError`] `{code, message, fields}` with core's
//!   closed [`ErrorCode`] set).
//!
//! To add a command: one row in the table of [`ipc`], then regenerate the TypeScript with
//! `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings` (the test fails while the committed
//! files differ) and answer it in the UI's typed test fake. The TypeScript is generated only with the
//! `ts` feature (tests), so the shipped app carries no `ts-rs`. `docs/architecture.md` has the whole
//! recipe, and the one for a new cached list.
#![doc = include_str!("../../../docs/concerns.md")]

mod app;
#[cfg(feature = "ts")]
pub mod bindings;
pub mod deeplink;
mod demo;
mod desktop;
pub mod error;
pub mod events;
pub mod ipc;
mod ipc_offboard;
mod ipc_people;
mod ipc_review;
mod ipc_service_accounts;
mod links;
pub mod notify;
mod offboard;
mod people;
mod reads;
mod refresh;
pub mod review;
mod secrets;
mod service_accounts;
mod session;
pub mod settings;
mod teams;
pub mod tray;
pub mod updates;
pub mod views;
mod workspaces;
mod writes;

pub use app::{
    demo_requested_by_env, App, AppConfig, API_URL_ENV, DASHBOARD_URL_ENV, DEFAULT_DASHBOARD_URL,
    DEFAULT_MEMBER_PAGE, DEMO_ENV, MAX_MEMBER_PAGE, REFRESH_INTERVAL,
};
pub use demo::DEMO_DIALECT_ENV;
pub use error::{ErrorCode, FieldMessage, IpcError, IpcResult};
pub use events::{
    AppEvent, EventSink, Recorder, SaveDialog, SaveDialogReply, SaveDialogRequest, StandInSaveDialog,
    SyncStage, UrlOpener, EVENT_NAME,
};
pub use settings::{DesktopSettings, TrayIconStyle};
pub use tray::{tray_menu, TrayAction, TrayMenu, TrayOutcome, TrayState};
pub use updates::{OfferedUpdate, UpdateConfig, UpdateError, UpdateService, UpdateState, UpdateStatusView};
pub use zenml_pro_core::{logging, Entity};
