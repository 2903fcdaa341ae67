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
            match self.find_org_across(accounts, name)? {
                Some(m) if !targets.iter().any(|x| x.org_id == m.org_id) => {
                    targets.push(OrgTarget { org_id: m.org_id, org_name: m.org_name, accounts: m.accounts })
                }
                Some(_) => {}
                None => unknown.push(FieldMessage {
                    field: name.to_owned(),
                    message: "not a cached organization of any signed-in account".into(),
                }),
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
