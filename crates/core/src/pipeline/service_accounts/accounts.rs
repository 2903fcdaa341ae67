//! The writes on a service account itself: create, activate or deactivate, delete.

use zenml_cloud_api::{ActiveUpdate, ServiceAccount, ServiceAccountCreate};

use super::{invalid, nonempty, word};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::{Ctx, Entry, Write};
use crate::service_accounts::{account_name, check_username, not_offered, ServiceAccountRow};

/// A service account created (with no role).
pub(crate) struct CreateServiceAccount<'a> {
    pub username: &'a str,
    pub description: Option<&'a str>,
}

impl Write for CreateServiceAccount<'_> {
    /// The username, trimmed.
    type Target = String;
    /// Nothing: the read checks that no service account of that name exists now.
    type State = ();
    type Answer = ServiceAccountRow;

    fn kind(&self) -> K {
        K::ServiceAccountCreate
    }

    fn named(&self) -> String {
        self.username.to_owned()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<String> {
        let name = self.username.trim().to_owned();
        check_username(&name).map_err(|m| invalid("username", m))?;
        Ok(name)
    }

    async fn read(&self, cx: Ctx<'_>, name: &String) -> Result<()> {
        let all = cx.core.server_service_accounts(cx.account_id, cx.org_id).await?;
        let taken = all.iter().find(|s| {
            [&s.username, &s.name].into_iter().flatten().any(|n| n.trim().eq_ignore_ascii_case(name))
        });
        match taken {
            Some(s) => Err(CoreError::new(
                ErrorCode::Conflict,
                format!("a service account named {:?} exists already ({}); nothing was created", name, s.id),
            )),
            None => Ok(()),
        }
    }

    async fn act(&self, cx: Ctx<'_>, name: &String, _: &()) -> Result<ServiceAccountRow> {
        let create = ServiceAccountCreate {
            username: name.clone(),
            description: self.description.map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned),
        };
        let org_id = cx.org_id;
        let made = cx
            .core
            .authed(cx.account_id, |c, t| {
                let create = create.clone();
                async move { c.create_service_account(&t, org_id, &create).await }
            })
            .await
            .map_err(|e| match e.code {
                ErrorCode::Conflict => CoreError {
                    message: format!("a service account named {name:?} exists already; nothing was created"),
                    ..e
                },
                _ => not_offered(e),
            })?;
        tracing::info!(org = %cx.org_id, service_account = %made.id, "service account created");
        Ok(ServiceAccountRow::new(&made, Vec::new()))
    }

    fn cache(&self, _: Ctx<'_>, _: &String, _: &(), _: &ServiceAccountRow) -> Result<()> {
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, name: &String, _: Option<&()>) -> Entry {
        Entry::new(K::ServiceAccountCreate, name.clone())
    }

    fn entries(&self, entry: Entry, made: &ServiceAccountRow) -> Vec<Entry> {
        vec![entry.id(made.id)]
    }
}

/// A service account activated or deactivated.
pub(crate) struct SetServiceAccountActive<'a> {
    pub sa: &'a str,
    pub active: bool,
}

impl Write for SetServiceAccountActive<'_> {
    type Target = String;
    /// The account as the server has it now.
    type State = ServiceAccount;
    type Answer = ServiceAccountRow;

    fn kind(&self) -> K {
        K::ServiceAccountActive
    }

    fn named(&self) -> String {
        self.sa.to_owned()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<String> {
        nonempty("service_account", "service account", self.sa)
    }

    async fn read(&self, cx: Ctx<'_>, sa: &String) -> Result<ServiceAccount> {
        cx.core.server_service_account(cx.account_id, cx.org_id, sa).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &String, now: &ServiceAccount) -> Result<ServiceAccountRow> {
        let (org_id, id) = (cx.org_id, now.id);
        let update = ActiveUpdate { active: Some(self.active), description: None };
        let changed = cx
            .core
            .authed(cx.account_id, |c, t| {
                let update = update.clone();
                async move { c.update_service_account(&t, org_id, id, &update).await }
            })
            .await
            .map_err(not_offered)?;
        tracing::info!(org = %cx.org_id, service_account = %id, active = self.active, "service account changed");
        Ok(ServiceAccountRow::new(&changed, cx.core.cached_roles(cx.account_id, cx.org_id, id)))
    }

    fn cache(&self, _: Ctx<'_>, _: &String, _: &ServiceAccount, _: &ServiceAccountRow) -> Result<()> {
        Ok(())
    }

    fn entry(&self, _: Ctx<'_>, sa: &String, now: Option<&ServiceAccount>) -> Entry {
        let Some(now) = now else { return Entry::new(self.kind(), sa.clone()) };
        let mut e = Entry::new(self.kind(), account_name(now)).id(now.id).detail(word(self.active));
        e.replaced.state = now.active.map(|a| word(a).to_owned());
        e
    }
}

/// A service account deleted, with its keys.
pub(crate) struct DeleteServiceAccount<'a> {
    pub sa: &'a str,
}

impl Write for DeleteServiceAccount<'_> {
    type Target = String;
    type State = ServiceAccount;
    type Answer = ();

    fn kind(&self) -> K {
        K::ServiceAccountDelete
    }

    fn named(&self) -> String {
        self.sa.to_owned()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<String> {
        nonempty("service_account", "service account", self.sa)
    }

    async fn read(&self, cx: Ctx<'_>, sa: &String) -> Result<ServiceAccount> {
        cx.core.server_service_account(cx.account_id, cx.org_id, sa).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &String, now: &ServiceAccount) -> Result<()> {
        let (org_id, id) = (cx.org_id, now.id);
        cx.core
            .authed(cx.account_id, |c, t| async move { c.delete_service_account(&t, org_id, id).await })
            .await
            .map_err(not_offered)?;
        tracing::info!(org = %cx.org_id, service_account = %id, "service account deleted");
        Ok(())
    }

    /// Its member row (if it held a role) goes from the cache.
    fn cache(&self, cx: Ctx<'_>, _: &String, now: &ServiceAccount, _: &()) -> Result<()> {
        cx.core.with_cache(|c| c.remove_member(cx.account_id, cx.org_id, now.id))
    }

    fn entry(&self, _: Ctx<'_>, sa: &String, now: Option<&ServiceAccount>) -> Entry {
        match now {
            Some(now) => Entry::new(self.kind(), account_name(now)).id(now.id),
            None => Entry::new(self.kind(), sa.clone()),
        }
    }
}
