//! Secrets (access tokens, API keys) in the operating system's keyring, behind [`SecretStore`].
//!
//! The app keeps every secret in the platform store — the Secret Service (gnome-keyring, KWallet) on
//! Linux, the Keychain on macOS, the Credential Manager on Windows — and nowhere else: there is no
//! plaintext fallback. When the store is missing or locked every call fails with
//! [`KeyringError::Unavailable`], whose message says what is missing, so sign-in can refuse with a
//! clear reason while cached (non-secret) data stays readable.
//!
//! Entries are namespaced: the keyring *service* is the app identifier ([`APP_SERVICE`]) and the *user*
//! is `<account_id>:<kind>`, for example `1b4e…:access_token`. No error message or log line ever carries
//! a secret value.

use std::collections::HashMap;
use std::sync::Mutex;

/// The keyring service name of the app's entries: its application identifier.
pub const APP_SERVICE: &str = "io.zenml.pro-desktop";

/// Which secret of an account an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The short-lived bearer token from the last sign-in or key exchange.
    AccessToken,
    /// The long-lived personal access token or service-account key, when the account signed in with one.
    ApiKey,
}

impl SecretKind {
    /// The suffix of the entry's user name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessToken => "access_token",
            Self::ApiKey => "api_key",
        }
    }
}

/// The keyring *user* of an account's secret: `<account_id>:<kind>`.
pub fn entry_user(account_id: &str, kind: SecretKind) -> String {
    format!("{account_id}:{}", kind.as_str())
}

/// Why a keyring call failed. Messages never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// There is no usable keyring on this machine (none installed, no session bus, locked, access refused).
    #[error("the OS keyring is unavailable: {0}")]
    Unavailable(String),
    /// The keyring is there but the call failed for another reason.
    #[error("the OS keyring failed: {0}")]
    Other(String),
}

/// Where the app keeps an account's secrets.
pub trait SecretStore: Send + Sync + 'static {
    /// The secret, or `None` when there is no entry.
    fn get(&self, account_id: &str, kind: SecretKind) -> Result<Option<String>, KeyringError>;
    /// Stores (or replaces) the secret.
    fn set(&self, account_id: &str, kind: SecretKind, value: &str) -> Result<(), KeyringError>;
    /// Deletes the secret; deleting an entry that does not exist succeeds.
    fn delete(&self, account_id: &str, kind: SecretKind) -> Result<(), KeyringError>;
}

/// The operating system's keyring.
#[derive(Clone, Debug)]
pub struct OsKeyring {
    service: String,
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self::new()
    }
}

impl OsKeyring {
    /// The keyring under the app's identifier, [`APP_SERVICE`].
    pub fn new() -> Self {
        Self::with_service(APP_SERVICE)
    }

    /// The keyring for the data directory in use: [`APP_SERVICE`] for the platform's own directory,
    /// else `APP_SERVICE.<8 hex digits of the directory's path>`, so a test run or a portable copy with a
    /// directory of its own (`ZENML_PRO_DESKTOP_DATA_DIR`) never reads or deletes the installed app's
    /// secrets.
    pub fn for_data_dir(data_dir: &std::path::Path) -> Self {
        let default = directories::ProjectDirs::from("io", "zenml", "ZenML Pro Desktop")
            .map(|p| p.data_dir().to_path_buf());
        Self::with_service(service_for(data_dir, default.as_deref()))
    }

    /// The keyring under another service name, so tests never touch the app's entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    /// The service name entries are stored under.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account_id: &str, kind: SecretKind) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(&self.service, &entry_user(account_id, kind)).map_err(map_error)
    }
}

/// The service name for `data_dir` when the platform's own directory is `default`.
fn service_for(data_dir: &std::path::Path, default: Option<&std::path::Path>) -> String {
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = canonical(data_dir);
    if default.is_some_and(|d| canonical(d) == dir) {
        return APP_SERVICE.to_owned();
    }
    // FNV-1a of the path: stable across runs and builds (the standard hasher is not).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in dir.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{APP_SERVICE}.{:08x}", hash as u32)
}

impl SecretStore for OsKeyring {
    fn get(&self, account_id: &str, kind: SecretKind) -> Result<Option<String>, KeyringError> {
        match self.entry(account_id, kind)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, account_id: &str, kind: SecretKind, value: &str) -> Result<(), KeyringError> {
        self.entry(account_id, kind)?.set_password(value).map_err(map_error)
    }

    fn delete(&self, account_id: &str, kind: SecretKind) -> Result<(), KeyringError> {
        match self.entry(account_id, kind)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}

/// Turns a keyring error into ours. The platform's own message is kept (it names D-Bus errors and
/// status codes, never the secret); `BadEncoding` and `Ambiguous` are summarised because their payloads
/// could hold secret bytes.
fn map_error(e: keyring::Error) -> KeyringError {
    match e {
        keyring::Error::PlatformFailure(inner) => {
            KeyringError::Unavailable(platform_hint(&inner.to_string()))
        }
        keyring::Error::NoStorageAccess(inner) => KeyringError::Unavailable(format!(
            "the keyring is locked or refused access ({inner}): {}",
            unlock_advice()
        )),
        keyring::Error::NoEntry => KeyringError::Other("no such entry".into()),
        keyring::Error::BadEncoding(_) => KeyringError::Other("a stored secret is not valid UTF-8".into()),
        keyring::Error::TooLong(attr, limit) => {
            KeyringError::Other(format!("attribute {attr} is longer than the keyring allows ({limit})"))
        }
        keyring::Error::Invalid(attr, reason) => KeyringError::Other(format!("invalid {attr}: {reason}")),
        keyring::Error::Ambiguous(items) => KeyringError::Other(format!(
            "{} keyring entries match one secret; remove the extras",
            items.len()
        )),
        other => KeyringError::Other(format!("unexpected keyring error: {other}")),
    }
}

#[cfg(target_os = "linux")]
fn unlock_advice() -> &'static str {
    "unlock the login keyring (gnome-keyring or KWallet) and try again"
}

#[cfg(target_os = "macos")]
fn unlock_advice() -> &'static str {
    "unlock the login keychain (Keychain Access) and try again"
}

#[cfg(windows)]
fn unlock_advice() -> &'static str {
    "sign in to Windows again so the Credential Manager opens, and try again"
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn unlock_advice() -> &'static str {
    "unlock the system's credential store and try again"
}

/// Says what is missing, from the platform's failure message.
#[cfg(target_os = "linux")]
fn platform_hint(detail: &str) -> String {
    const NO_SERVICE: [&str; 3] =
        ["ServiceUnknown", "org.freedesktop.secrets", "No DBus session or Secret Service"];
    const NO_BUS: [&str; 6] = [
        "NoServer",
        "Failed to connect",
        "DBUS_SESSION_BUS_ADDRESS",
        "autolaunch",
        "No such file or directory",
        "Connection refused",
    ];
    if NO_BUS.iter().any(|p| detail.contains(p)) {
        format!(
            "no D-Bus session bus to reach a Secret Service ({detail}): sign in to a desktop session, or run \
             the app under dbus-run-session with gnome-keyring or KWallet unlocked"
        )
    } else if NO_SERVICE.iter().any(|p| detail.contains(p)) {
        format!(
            "no Secret Service on the D-Bus session bus ({detail}): install and unlock gnome-keyring or KWallet"
        )
    } else if detail.contains("ocked") {
        format!("the Secret Service collection is locked ({detail}): {}", unlock_advice())
    } else {
        format!("the Secret Service failed ({detail}): check that gnome-keyring or KWallet is running and unlocked")
    }
}

#[cfg(not(target_os = "linux"))]
fn platform_hint(detail: &str) -> String {
    format!("the platform credential store failed ({detail})")
}

/// An in-memory [`SecretStore`] for tests; [`MemoryKeyring::unavailable`] fails every call.
#[derive(Debug, Default)]
pub struct MemoryKeyring {
    entries: Mutex<HashMap<(String, SecretKind), String>>,
    unavailable: bool,
}

impl MemoryKeyring {
    /// An empty, working store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that fails every call with [`KeyringError::Unavailable`], like a machine with no keyring.
    pub fn unavailable() -> Self {
        Self { entries: Mutex::default(), unavailable: true }
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds no secret.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, SecretKind), String>> {
        // A panic while holding the lock cannot leave the map half-updated, so a poisoned lock is safe.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check(&self) -> Result<(), KeyringError> {
        if self.unavailable {
            Err(KeyringError::Unavailable("the test keyring is switched off".into()))
        } else {
            Ok(())
        }
    }
}

impl SecretStore for MemoryKeyring {
    fn get(&self, account_id: &str, kind: SecretKind) -> Result<Option<String>, KeyringError> {
        self.check()?;
        Ok(self.lock().get(&(account_id.to_owned(), kind)).cloned())
    }

    fn set(&self, account_id: &str, kind: SecretKind, value: &str) -> Result<(), KeyringError> {
        self.check()?;
        self.lock().insert((account_id.to_owned(), kind), value.to_owned());
        Ok(())
    }

    fn delete(&self, account_id: &str, kind: SecretKind) -> Result<(), KeyringError> {
        self.check()?;
        self.lock().remove(&(account_id.to_owned(), kind));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-memory store round-trips, keeps kinds and accounts apart, and deletes idempotently.
    #[test]
    fn memory_keyring_round_trips() {
        let k = MemoryKeyring::new();
        assert_eq!(k.get("a", SecretKind::AccessToken).unwrap(), None);
        k.set("a", SecretKind::AccessToken, "tok-a").unwrap();
        k.set("a", SecretKind::ApiKey, "key-a").unwrap();
        k.set("b", SecretKind::AccessToken, "tok-b").unwrap();
        assert_eq!(k.get("a", SecretKind::AccessToken).unwrap().as_deref(), Some("tok-a"));
        assert_eq!(k.get("a", SecretKind::ApiKey).unwrap().as_deref(), Some("key-a"));
        assert_eq!(k.get("b", SecretKind::AccessToken).unwrap().as_deref(), Some("tok-b"));
        k.set("a", SecretKind::AccessToken, "tok-a2").unwrap();
        assert_eq!(k.get("a", SecretKind::AccessToken).unwrap().as_deref(), Some("tok-a2"));
        k.delete("a", SecretKind::AccessToken).unwrap();
        k.delete("a", SecretKind::AccessToken).unwrap();
        assert_eq!(k.get("a", SecretKind::AccessToken).unwrap(), None);
        assert_eq!(k.len(), 2);
    }

    /// The unavailable mode fails every call with `Unavailable`, as sign-in must handle.
    #[test]
    fn memory_keyring_unavailable_fails_every_call() {
        let k = MemoryKeyring::unavailable();
        assert!(matches!(k.get("a", SecretKind::AccessToken), Err(KeyringError::Unavailable(_))));
        assert!(matches!(k.set("a", SecretKind::ApiKey, "v"), Err(KeyringError::Unavailable(_))));
        assert!(matches!(k.delete("a", SecretKind::ApiKey), Err(KeyringError::Unavailable(_))));
        assert!(k.is_empty());
    }

    /// Entries are namespaced by account and kind.
    #[test]
    fn entry_users_are_namespaced() {
        assert_eq!(entry_user("acc", SecretKind::AccessToken), "acc:access_token");
        assert_eq!(entry_user("acc", SecretKind::ApiKey), "acc:api_key");
        assert_eq!(OsKeyring::new().service(), APP_SERVICE);
        let dirs = std::env::temp_dir();
        let (a, b) = (dirs.join("zenml-a"), dirs.join("zenml-b"));
        assert_eq!(service_for(&a, Some(&a)), APP_SERVICE, "the platform's directory keeps the plain name");
        let (sa, sb) = (service_for(&a, Some(&b)), service_for(&b, Some(&a)));
        assert!(sa.starts_with("io.zenml.pro-desktop.") && sa.len() == APP_SERVICE.len() + 9, "{sa}");
        assert_ne!(sa, sb, "two directories, two services");
        assert_eq!(sa, service_for(&a, None), "stable");
    }

    /// A store that is locked says so, and a secret-bearing error payload never reaches the message.
    #[test]
    fn errors_are_mapped_without_secrets() {
        let e = map_error(keyring::Error::BadEncoding(b"s3cret-bytes".to_vec()));
        assert!(!e.to_string().contains("s3cret"));
        let e = map_error(keyring::Error::NoStorageAccess("object locked".into()));
        assert!(matches!(e, KeyringError::Unavailable(_)));
        assert!(e.to_string().contains("locked"));
    }
}
