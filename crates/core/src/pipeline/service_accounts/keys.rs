//! The writes on a service account's keys: create, rotate, activate or deactivate, delete.

use uuid::Uuid;
use zenml_cloud_api::{ActiveUpdate, ApiKeyCreate, ApiKeyRotate, ServiceAccount, ServiceAccountKey};

use super::{invalid, key_label, key_name, nonempty, word};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::{Ctx, Entry, Write};
use crate::service_accounts::{account_name, check_key_name, check_minutes, not_offered, ApiKeyRow, NewKey};

/// A key created for a service account.
pub(crate) struct CreateKey<'a> {
    pub sa: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub expires_in_minutes: Option<u64>,
}

impl Write for CreateKey<'_> {
    /// The account as named, and the key's name, trimmed.
    type Target = (String, String);
    /// The account as the server has it now.
    type State = ServiceAccount;
    type Answer = NewKey;

    fn kind(&self) -> K {
        K::ApiKeyCreate
    }

    fn named(&self) -> String {
        key_label(self.sa.trim(), self.name.trim())
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<Self::Target> {
        let sa = nonempty("service_account", "service account", self.sa)?;
        let name = self.name.trim().to_owned();
        check_key_name(&name).map_err(|m| invalid("name", m))?;
        check_minutes("expires_in_minutes", self.expires_in_minutes, 1)?;
        Ok((sa, name))
    }

    async fn read(&self, cx: Ctx<'_>, (sa, name): &Self::Target) -> Result<ServiceAccount> {
        let account = cx.core.server_service_account(cx.account_id, cx.org_id, sa).await?;
        let keys = cx.core.server_keys(cx.account_id, cx.org_id, account.id).await?;
        if let Some(k) =
            keys.iter().find(|k| k.name.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(name)))
        {
            return Err(CoreError::new(
                ErrorCode::Conflict,
                format!(
                    "{} has a key named {name:?} already ({}); nothing was created",
                    account_name(&account),
                    k.id
                ),
            ));
        }
        Ok(account)
    }

    async fn act(&self, cx: Ctx<'_>, (_, name): &Self::Target, now: &ServiceAccount) -> Result<NewKey> {
        let (org_id, id) = (cx.org_id, now.id);
        let create = ApiKeyCreate {
            name: name.clone(),
            description: self.description.map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned),
            expires_in_minutes: self.expires_in_minutes,
        };
        let issued = cx
            .core
            .authed(cx.account_id, |c, t| {
                let create = create.clone();
                async move { c.create_service_account_key(&t, org_id, id, &create).await }
            })
            .await
            .map_err(not_offered)?;
        tracing::info!(org = %cx.org_id, service_account = %id, key = %issued.key.id, "key created");
        Ok(NewKey::from_issued(issued))
    }

    fn cache(&self, _: Ctx<'_>, _: &Self::Target, _: &ServiceAccount, _: &NewKey) -> Result<()> {
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, (sa, name): &Self::Target, now: Option<&ServiceAccount>) -> Entry {
        let account = now.map(account_name).unwrap_or_else(|| sa.clone());
        let e = Entry::new(self.kind(), key_label(&account, name));
        match self.expires_in_minutes {
            Some(m) => e.detail(format!("expires in {m} minutes")),
            None => e.detail("never expires"),
        }
    }

    fn entries(&self, entry: Entry, made: &NewKey) -> Vec<Entry> {
        vec![entry.id(made.key.id)]
    }
}

/// Finds a key on the server now: the account, then the key among its keys.
async fn key_now(cx: Ctx<'_>, sa: &str, key: &str) -> Result<(ServiceAccount, ServiceAccountKey)> {
    let account = cx.core.server_service_account(cx.account_id, cx.org_id, sa).await?;
    let key = cx.core.server_key(cx.account_id, cx.org_id, &account, key).await?;
    Ok((account, key))
}

fn key_entry(
    kind: K,
    (sa, key): &(String, String),
    now: Option<&(ServiceAccount, ServiceAccountKey)>,
) -> Entry {
    match now {
        Some((account, k)) => Entry::new(kind, key_label(&account_name(account), &key_name(k))).id(k.id),
        None => Entry::new(kind, key_label(sa, key)),
    }
}

fn key_target(sa: &str, key: &str) -> Result<(String, String)> {
    Ok((nonempty("service_account", "service account", sa)?, nonempty("key", "key", key)?))
}

/// A key rotated: a new secret; the old one kept for a retention period.
pub(crate) struct RotateKey<'a> {
    pub sa: &'a str,
    pub key: &'a str,
    pub retain_minutes: Option<u64>,
}

impl Write for RotateKey<'_> {
    type Target = (String, String);
    type State = (ServiceAccount, ServiceAccountKey);
    type Answer = NewKey;

    fn kind(&self) -> K {
        K::ApiKeyRotate
    }

    fn named(&self) -> String {
        key_label(self.sa.trim(), self.key.trim())
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<Self::Target> {
        check_minutes("retain_period_minutes", self.retain_minutes, 0)?;
        key_target(self.sa, self.key)
    }

    async fn read(&self, cx: Ctx<'_>, (sa, key): &Self::Target) -> Result<Self::State> {
        key_now(cx, sa, key).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &Self::Target, (account, key): &Self::State) -> Result<NewKey> {
        let (org_id, sa_id, key_id) = (cx.org_id, account.id, key.id);
        let rotate = ApiKeyRotate { retain_period_minutes: self.retain_minutes };
        let issued = cx
            .core
            .authed(cx.account_id, |c, t| {
                let rotate = rotate.clone();
                async move { c.rotate_service_account_key(&t, org_id, sa_id, key_id, &rotate).await }
            })
            .await
            .map_err(not_offered)?;
        tracing::info!(org = %cx.org_id, service_account = %sa_id, key = %key_id, "key rotated");
        Ok(NewKey::from_issued(issued))
    }

    fn cache(&self, _: Ctx<'_>, _: &Self::Target, _: &Self::State, _: &NewKey) -> Result<()> {
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, target: &Self::Target, now: Option<&Self::State>) -> Entry {
        let e = key_entry(self.kind(), target, now);
        match self.retain_minutes {
            Some(m) if m > 0 => e.detail(format!("the old secret works {m} more minutes")),
            _ => e.detail("the old secret stopped at once"),
        }
    }
}

/// A key activated or deactivated.
pub(crate) struct SetKeyActive<'a> {
    pub sa: &'a str,
    pub key: &'a str,
    pub active: bool,
}

impl Write for SetKeyActive<'_> {
    type Target = (String, String);
    type State = (ServiceAccount, ServiceAccountKey);
    type Answer = ApiKeyRow;

    fn kind(&self) -> K {
        K::ApiKeyActive
    }

    fn named(&self) -> String {
        key_label(self.sa.trim(), self.key.trim())
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<Self::Target> {
        key_target(self.sa, self.key)
    }

    async fn read(&self, cx: Ctx<'_>, (sa, key): &Self::Target) -> Result<Self::State> {
        key_now(cx, sa, key).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &Self::Target, (account, key): &Self::State) -> Result<ApiKeyRow> {
        let (org_id, sa_id, key_id) = (cx.org_id, account.id, key.id);
        let update = ActiveUpdate { active: Some(self.active), description: None };
        let changed = cx
            .core
            .authed(cx.account_id, |c, t| {
                let update = update.clone();
                async move { c.update_service_account_key(&t, org_id, sa_id, key_id, &update).await }
            })
            .await
            .map_err(not_offered)?;
        tracing::info!(org = %cx.org_id, key = %key_id, active = self.active, "key changed");
        Ok(ApiKeyRow::from(&changed))
    }

    fn cache(&self, _: Ctx<'_>, _: &Self::Target, _: &Self::State, _: &ApiKeyRow) -> Result<()> {
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, target: &Self::Target, now: Option<&Self::State>) -> Entry {
        let mut e = key_entry(self.kind(), target, now).detail(word(self.active));
        e.replaced.state = now.and_then(|(_, k)| k.active).map(|a| word(a).to_owned());
        e
    }
}

/// A key deleted.
pub(crate) struct DeleteKey<'a> {
    pub sa: &'a str,
    pub key: &'a str,
}

impl Write for DeleteKey<'_> {
    type Target = (String, String);
    type State = (ServiceAccount, ServiceAccountKey);
    type Answer = ();

    fn kind(&self) -> K {
        K::ApiKeyDelete
    }

    fn named(&self) -> String {
        key_label(self.sa.trim(), self.key.trim())
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<Self::Target> {
        key_target(self.sa, self.key)
    }

    async fn read(&self, cx: Ctx<'_>, (sa, key): &Self::Target) -> Result<Self::State> {
        key_now(cx, sa, key).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &Self::Target, (account, key): &Self::State) -> Result<()> {
        let (org_id, sa_id, key_id): (Uuid, Uuid, Uuid) = (cx.org_id, account.id, key.id);
        cx.core
            .authed(cx.account_id, |c, t| async move {
                c.delete_service_account_key(&t, org_id, sa_id, key_id).await
            })
            .await
            .map_err(not_offered)?;
        tracing::info!(org = %cx.org_id, key = %key_id, "key deleted");
        Ok(())
    }

    fn cache(&self, _: Ctx<'_>, _: &Self::Target, _: &Self::State, _: &()) -> Result<()> {
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, target: &Self::Target, now: Option<&Self::State>) -> Entry {
        key_entry(self.kind(), target, now)
    }
}
