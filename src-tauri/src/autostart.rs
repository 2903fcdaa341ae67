//! Start at login where `zenml_pro_app`'s freedesktop entry does not apply: each is the app's
//! [`Autostart`], given to it by [`crate::install`], and launches the app with `--hidden`.
//!
//! - macOS: [`LaunchAgent`], over the autostart plugin: a LaunchAgent plist in `~/Library/LaunchAgents`
//!   whose program arguments are the program and `--hidden`, each its own string.
//! - Windows: [`RunKey`], the app's value in `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`,
//!   written here rather than by the plugin: the plugin writes the program's path unquoted before
//!   `--hidden`, and Windows then starts nothing from a folder with a space in its name (the
//!   installer's `%LOCALAPPDATA%\Programs\ZenML Pro Desktop`), silently. The value is
//!   [`zenml_pro_app::settings::run_key_command`]: the path in quotes.

#[cfg(target_os = "macos")]
pub use macos::LaunchAgent;
#[cfg(target_os = "windows")]
pub use windows::RunKey;

#[cfg(target_os = "macos")]
mod macos {
    use tauri::{AppHandle, Manager, Runtime};
    use tauri_plugin_autostart::AutoLaunchManager;

    use zenml_pro_app::settings::{Autostart, AutostartError};

    /// Start at login by a LaunchAgent, through the autostart plugin (registered by
    /// [`crate::builder`] with `--hidden`).
    pub struct LaunchAgent<R: Runtime>(pub AppHandle<R>);

    impl<R: Runtime> Autostart for LaunchAgent<R> {
        fn set(&self, on: bool) -> Result<(), AutostartError> {
            let Some(manager) = self.0.try_state::<AutoLaunchManager>() else {
                return Err(AutostartError::Unavailable("starting at login is not available here".into()));
            };
            let result = if on { manager.enable() } else { manager.disable() };
            result.map_err(|e| {
                let what = if on { "on" } else { "off" };
                AutostartError::Failed(format!("could not turn {what} starting at login: {e}"))
            })
        }

        fn is_enabled(&self) -> bool {
            let Some(manager) = self.0.try_state::<AutoLaunchManager>() else { return false };
            manager.is_enabled().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not tell whether the app starts at login");
                false
            })
        }
    }
}

#[cfg(target_os = "windows")]
mod windows {
    use std::path::Path;

    use windows_registry::{Type, CURRENT_USER};

    use zenml_pro_app::settings::{Autostart, AutostartError};

    const RUN: &str = r"Software\Microsoft\Windows\CurrentVersion\Run";
    /// Where Task Manager's Startup page records the entries it turned off.
    const APPROVED: &str = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run";
    /// Task Manager's mark of an entry that is on.
    const APPROVED_ON: [u8; 12] = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// `HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)`: no such key or value.
    const NOT_FOUND: i32 = 0x8007_0002_u32 as i32;

    /// Start at login by the app's value in the user's `Run` key.
    pub struct RunKey {
        name: String,
        command: String,
    }

    impl RunKey {
        /// The value `name` that starts `exe` hidden.
        pub fn new(name: &str, exe: &Path) -> Self {
            Self { name: name.to_owned(), command: zenml_pro_app::settings::run_key_command(exe) }
        }

        fn write(&self, on: bool) -> windows_registry::Result<()> {
            if on {
                CURRENT_USER.create(RUN)?.set_string(&self.name, &self.command)?;
                // Turned off in Task Manager before: turning it on in the app wins.
                match CURRENT_USER.options().write().open(APPROVED) {
                    Ok(key) => key.set_bytes(&self.name, Type::Bytes, &APPROVED_ON),
                    Err(e) if e.code().0 == NOT_FOUND => Ok(()),
                    Err(e) => Err(e),
                }
            } else {
                match CURRENT_USER.options().write().open(RUN).and_then(|key| key.remove_value(&self.name)) {
                    Err(e) if e.code().0 == NOT_FOUND => Ok(()),
                    other => other,
                }
            }
        }
    }

    impl Autostart for RunKey {
        fn set(&self, on: bool) -> Result<(), AutostartError> {
            self.write(on).map_err(|e| {
                let what = if on { "add" } else { "remove" };
                AutostartError::Failed(format!(
                    "could not {what} the app's start-up entry in the registry: {e}"
                ))
            })
        }

        fn is_enabled(&self) -> bool {
            let registered = CURRENT_USER.open(RUN).and_then(|key| key.get_string(&self.name)).is_ok();
            // An entry Task Manager turned off carries the time it was turned off in its last 8 bytes.
            let approved = match CURRENT_USER.open(APPROVED).and_then(|key| key.get_value(&self.name)) {
                Ok(mark) => mark.len() < 8 || mark.iter().rev().take(8).all(|b| *b == 0),
                Err(_) => true,
            };
            registered && approved
        }
    }
}
