//! In-app updates: `zenml_pro_app::UpdateService` over Tauri's updater plugin. What is checked, when,
//! and what the window and tray say lives in `zenml_pro_app::updates`; this module only:
//!
//! - registers the plugin, with its configuration made from the build's update server ([`wire`]):
//!   the endpoint, the minisign public key, and `requireSignedVersion` (a download's signature must
//!   name the version the server announced). A build without an update server has no plugin at all;
//! - checks, downloads, verifies and installs through the plugin ([`PluginUpdates`]). The plugin
//!   verifies each download against the key built into the app before anything is installed, and
//!   offers only a version greater than the running one (its default rule, kept);
//! - turns the plugin's errors into [`UpdateError`]s the window can show in plain words ([`describe`]).
//!
//! The webview gets no updater permission: the window asks the app's commands, never the plugin.

use std::sync::Mutex;

use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error as PluginError, Update, UpdaterExt};
use zenml_pro_app::updates::{Progress, UpdateFuture};
use zenml_pro_app::{OfferedUpdate, UpdateConfig, UpdateError, UpdateService};

/// Progress is reported at most once per this many bytes (and at the end).
const PROGRESS_STEP: u64 = 64 * 1024;

/// Registers the updater plugin when the build has an update server, its configuration put in the
/// app's context (the plugin reads it from there).
pub fn wire<R: Runtime>(
    builder: tauri::Builder<R>,
    context: &mut tauri::Context<R>,
    config: Option<&UpdateConfig>,
) -> tauri::Builder<R> {
    let Some(config) = config else {
        tracing::info!("this build has no update server: updates are off");
        return builder;
    };
    let plugin_config = serde_json::json!({
        "endpoints": [config.endpoint.as_str()],
        "pubkey": config.pubkey,
        "requireSignedVersion": true,
        // Only a loopback `http` endpoint gets here (tests); every other one is `https`.
        "dangerousInsecureTransportProtocol": config.endpoint.scheme() == "http",
    });
    context.config_mut().plugins.0.insert("updater".into(), plugin_config);
    builder.plugin(tauri_plugin_updater::Builder::new().build())
}

/// The update service of the shell: the plugin, with the endpoint and key of the build.
pub struct PluginUpdates<R: Runtime> {
    handle: AppHandle<R>,
    config: UpdateConfig,
    /// The update the last check found: what an install downloads.
    found: Mutex<Option<Update>>,
}

impl<R: Runtime> PluginUpdates<R> {
    /// Over an app [`wire`]d with the same `config`.
    pub fn new(handle: AppHandle<R>, config: UpdateConfig) -> Self {
        Self { handle, config, found: Mutex::new(None) }
    }

    fn updater(&self) -> Result<tauri_plugin_updater::Updater, UpdateError> {
        self.handle
            .updater_builder()
            .endpoints(vec![self.config.endpoint.clone()])
            .and_then(|b| {
                b.pubkey(self.config.pubkey.clone())
                    // The plugin's own rule (only a greater version is an update), with a line in the
                    // log when the server offers an older one.
                    .version_comparator(|current, release| {
                        if release.version < current {
                            tracing::warn!(
                                running = %current,
                                offered = %release.version,
                                "the update server offers an older version: not offered, never installed"
                            );
                        }
                        release.version > current
                    })
                    .build()
            })
            .map_err(|e| describe(e, Stage::Check))
    }

    /// Asks the server; keeps what it found for [`PluginUpdates::download`].
    pub async fn check_now(&self) -> Result<Option<OfferedUpdate>, UpdateError> {
        let update = self.updater()?.check().await.map_err(|e| describe(e, Stage::Check))?;
        let offered =
            update.as_ref().map(|u| OfferedUpdate { version: u.version.clone(), notes: u.body.clone() });
        *self.found.lock().unwrap_or_else(|p| p.into_inner()) = update;
        Ok(offered)
    }

    /// Downloads the update the last check found and verifies its signature against the build's key
    /// (the plugin does both); installs nothing. Returns the verified bytes.
    pub async fn download(
        &self,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    ) -> Result<Vec<u8>, UpdateError> {
        self.download_found(progress).await.map(|(_, bytes)| bytes)
    }

    async fn download_found(
        &self,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    ) -> Result<(Update, Vec<u8>), UpdateError> {
        let update = self
            .found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| UpdateError::Other("no update to download: check for updates first".into()))?;
        let mut downloaded = 0u64;
        let mut reported = 0u64;
        let bytes = update
            .download(
                |chunk, total| {
                    downloaded += chunk as u64;
                    if downloaded - reported >= PROGRESS_STEP || Some(downloaded) == total {
                        reported = downloaded;
                        progress(downloaded, total);
                    }
                },
                || {},
            )
            .await
            .map_err(|e| describe(e, Stage::Download))?;
        Ok((update, bytes))
    }
}

impl<R: Runtime> UpdateService for PluginUpdates<R> {
    fn current_version(&self) -> String {
        self.handle.package_info().version.to_string()
    }

    fn check(&self) -> UpdateFuture<'_, Option<OfferedUpdate>> {
        Box::pin(self.check_now())
    }

    fn install(&self, progress: Progress) -> UpdateFuture<'_, ()> {
        Box::pin(async move {
            let (update, bytes) = self.download_found(&*progress).await?;
            // The package manager (or the AppImage swap) runs outside the async threads; the plugin
            // verifies the bytes once more before it installs them.
            tauri::async_runtime::spawn_blocking(move || update.install(bytes))
                .await
                .map_err(|e| UpdateError::InstallFailed(e.to_string()))?
                .map_err(|e| describe(e, Stage::Install))
        })
    }

    fn restart(&self) {
        self.handle.restart()
    }
}

/// Where an error of the plugin happened: the same error means different things in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Check,
    Download,
    Install,
}

/// A plugin error in the app's words (the raw text only as a detail, never for a bad signature).
pub fn describe(e: PluginError, stage: Stage) -> UpdateError {
    tracing::debug!(error = %e, ?stage, "updater error");
    match e {
        PluginError::Minisign(_) | PluginError::Base64(_) | PluginError::SignatureUtf8(_) => {
            UpdateError::BadSignature
        }
        PluginError::SignedVersionMismatch { signed, announced } => {
            UpdateError::SignedForOtherVersion { signed, announced }
        }
        PluginError::MissingSignedVersion => UpdateError::UnversionedSignature,
        PluginError::Reqwest(e) => UpdateError::Unreachable(with_causes(&e)),
        PluginError::Network(why) => UpdateError::Unreachable(why),
        PluginError::ReleaseNotFound => {
            UpdateError::Unreachable("it answered with an error instead of an update manifest".into())
        }
        PluginError::Serialization(e) => UpdateError::BadAnswer(e.to_string()),
        PluginError::Semver(e) => UpdateError::BadAnswer(format!("a version is not a version number ({e})")),
        PluginError::UrlParse(e) => UpdateError::BadAnswer(format!("a download address is not a URL ({e})")),
        PluginError::TargetNotFound(t) => UpdateError::NoBuildHere(t),
        PluginError::TargetsNotFound(ts) => UpdateError::NoBuildHere(ts.join(", ")),
        PluginError::AuthenticationFailed => UpdateError::InstallRefused,
        other if stage == Stage::Install => UpdateError::InstallFailed(other.to_string()),
        other => UpdateError::Other(other.to_string()),
    }
}

/// An error and its causes, as one line ("error sending request: connection refused").
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}
