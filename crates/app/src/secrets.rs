//! The app's secret store: the OS keyring, except for the in-app demo's accounts.

use std::sync::{Arc, Mutex};

use zenml_pro_core::{KeyringError, MemoryKeyring, SecretKind, SecretStore};

use crate::app::lock;

/// The app's secret store: the configured one (the OS keyring), except for the in-app demo's
/// accounts, whose secrets stay in memory. The demo's key is public, nothing of it may outlive the
/// process, and "Try the demo" must work where there is no keyring.
pub(crate) struct SecretRouter {
    pub(crate) keyring: Arc<dyn SecretStore>,
    pub(crate) memory: MemoryKeyring,
    pub(crate) demo_accounts: Mutex<std::collections::HashSet<String>>,
    /// Demo mode: every secret the app stores stays in memory.
    pub(crate) all_in_memory: bool,
}

impl SecretRouter {
    fn is_demo(&self, account_id: &str) -> bool {
        lock(&self.demo_accounts).contains(account_id)
    }

    fn store(&self, account_id: &str) -> &dyn SecretStore {
        if self.all_in_memory || self.is_demo(account_id) {
            &self.memory
        } else {
            self.keyring.as_ref()
        }
    }
}

impl SecretStore for SecretRouter {
    fn get(&self, account_id: &str, kind: SecretKind) -> Result<Option<String>, KeyringError> {
        self.store(account_id).get(account_id, kind)
    }
    fn set(&self, account_id: &str, kind: SecretKind, value: &str) -> Result<(), KeyringError> {
        self.store(account_id).set(account_id, kind, value)
    }
    /// A real account's entries leave the OS keyring too, even in demo mode (an earlier run may have
    /// stored them there); without a keyring in demo mode that part is only logged.
    fn delete(&self, account_id: &str, kind: SecretKind) -> Result<(), KeyringError> {
        self.memory.delete(account_id, kind)?;
        if self.is_demo(account_id) {
            return Ok(());
        }
        match self.keyring.delete(account_id, kind) {
            Err(KeyringError::Unavailable(m)) if self.all_in_memory => {
                tracing::warn!(reason = %m, "no OS keyring to delete the account's entries from");
                Ok(())
            }
            other => other,
        }
    }
}
