//! Which accounts and organizations a plan across organizations acts on.

use uuid::Uuid;

use crate::cache::AccountRecord;
use crate::error::{CoreError, FieldMessage, Result};
use crate::model::account_label;
use crate::service::Core;

/// An organization named on the command line, with every signed-in account that has it cached.
#[derive(Clone, Debug)]
pub(crate) struct OrgTarget {
    pub org_id: Uuid,
    pub org_name: String,
    pub accounts: Vec<AccountRecord>,
}

impl Core {
    /// The signed-in accounts (all of them, or the one `only` names by id).
    pub(crate) fn signed_in_accounts(&self, only: Option<&str>) -> Result<Vec<AccountRecord>> {
        let mut accounts: Vec<AccountRecord> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.signed_in && only.is_none_or(|id| a.id == id))
            .collect();
        accounts.sort_by_key(account_label);
        Ok(accounts)
    }

    /// Each organization named (by id or name) among the cached organizations of `accounts`, once
    /// each, in the order given. A name no account has cached is `invalid_input` naming every such
    /// name.
    pub(crate) fn orgs_named(&self, names: &[String], accounts: &[AccountRecord]) -> Result<Vec<OrgTarget>> {
        let mut targets: Vec<OrgTarget> = Vec::new();
        let mut unknown = Vec::new();
        for name in names.iter().map(|n| n.trim()) {
            // Every account's match; an id beats a name.
            let mut found: Vec<(AccountRecord, Uuid, String)> = Vec::new();
            for a in accounts {
                if let Ok(org) = self.organization(&a.id, name) {
                    found.push((a.clone(), org.value.id, org.value.name.clone()));
                }
            }
            if let Ok(id) = Uuid::parse_str(name) {
                if found.iter().any(|(_, o, _)| *o == id) {
                    found.retain(|(_, o, _)| *o == id);
                }
            }
            let mut ids: Vec<Uuid> = found.iter().map(|(_, o, _)| *o).collect();
            ids.sort();
            ids.dedup();
            if ids.len() > 1 {
                let which: Vec<String> =
                    found.iter().map(|(a, o, _)| format!("{o} (account {})", account_label(a))).collect();
                return Err(CoreError::invalid(
                    format!(
                        "{name:?} names different organizations in different accounts: {}; give the \
                         organization's id",
                        which.join(", ")
                    ),
                    vec![FieldMessage { field: name.to_owned(), message: "ambiguous".into() }],
                ));
            }
            let Some((_, org_id, org_name)) = found.first().cloned() else {
                unknown.push(FieldMessage {
                    field: name.to_owned(),
                    message: "not a cached organization of any signed-in account".into(),
                });
                continue;
            };
            if !targets.iter().any(|x| x.org_id == org_id) {
                let accounts = found.into_iter().map(|(a, _, _)| a).collect();
                targets.push(OrgTarget { org_id, org_name, accounts });
            }
        }
        if !unknown.is_empty() {
            let list: Vec<&str> = unknown.iter().map(|f| f.field.as_str()).collect();
            return Err(CoreError::invalid(
                format!(
                    "no organization {} in the cache of the signed-in accounts: sync, or check the name \
                     (`zpro orgs`)",
                    list.join(", ")
                ),
                unknown,
            ));
        }
        Ok(targets)
    }
}
