//! An account: one user signed in (or once signed in) to one server, on this computer.

use serde::Serialize;

use crate::cache::{AccountRecord, AuthMethod};

/// An account as every front end shows it. Never holds a token or key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    pub id: String,
    pub base_url: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub signed_in: bool,
    /// Whether commands act on this account by default.
    pub active: bool,
    pub auth_method: AuthMethod,
    /// How lists and menus name it: its email, else its user's name, else its server's URL.
    pub label: String,
}

impl Account {
    pub fn new(a: &AccountRecord, active: bool) -> Self {
        Self {
            id: a.id.clone(),
            base_url: a.base_url.clone(),
            email: a.user_email.clone(),
            name: a.user_name.clone(),
            signed_in: a.signed_in,
            active,
            auth_method: a.auth_method,
            label: crate::model::account_label(a),
        }
    }
}
