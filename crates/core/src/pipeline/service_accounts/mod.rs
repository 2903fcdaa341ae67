//! The writes on service accounts and their keys: create, activate or deactivate, delete an account;
//! create, rotate, activate or deactivate, delete a key.
//!
//! Service accounts are not cached, so a target is resolved only in form here (its name checked) and
//! found on the server in the read step: the account by id or name, then the key among its keys;
//! the write then acts on those ids. The journal names the account (and key) and what was set; a
//! key's secret is in no entry: it is only in the answer of a key creation or rotation.

mod accounts;
mod keys;

pub(crate) use accounts::{CreateServiceAccount, DeleteServiceAccount, SetServiceAccountActive};
pub(crate) use keys::{CreateKey, DeleteKey, RotateKey, SetKeyActive};

use zenml_cloud_api::ServiceAccountKey;

use crate::error::{CoreError, FieldMessage, Result};

fn invalid(field: &str, m: String) -> CoreError {
    CoreError::invalid(m.clone(), vec![FieldMessage { field: field.into(), message: m }])
}

fn nonempty(field: &str, what: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(invalid(field, format!("say which {what}: its name or id")));
    }
    Ok(v.to_owned())
}

fn word(active: bool) -> &'static str {
    if active {
        "activated"
    } else {
        "deactivated"
    }
}

/// The journal's name of a key: `account / key`.
fn key_label(sa: &str, key: &str) -> String {
    format!("{sa} / {key}")
}

fn key_name(k: &ServiceAccountKey) -> String {
    k.name.clone().unwrap_or_else(|| k.id.to_string())
}
