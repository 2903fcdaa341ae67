//! The organization itself renamed and/or re-described.

use zenml_cloud_api::{Organization, OrganizationUpdate};

use crate::cache::ActivityKind as K;
use crate::error::{CoreError, FieldMessage, Result};
use crate::pipeline::{Ctx, Entry, Write};
use crate::validate::check_org_name;

/// The organization renamed and/or re-described.
pub(crate) struct UpdateOrg {
    pub name: Option<String>,
    pub description: Option<String>,
}

impl Write for UpdateOrg {
    type Target = OrganizationUpdate;
    /// The organization as the server has it now.
    type State = Organization;
    type Answer = Organization;

    fn kind(&self) -> K {
        if self.name.is_some() {
            K::OrgRename
        } else {
            K::OrgDescription
        }
    }

    fn named(&self) -> String {
        self.name.clone().or_else(|| self.description.clone()).unwrap_or_default()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<OrganizationUpdate> {
        if let Some(n) = &self.name {
            check_org_name(n).map_err(|m| {
                CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
            })?;
        }
        if self.name.is_none() && self.description.is_none() {
            return Err(CoreError::invalid("nothing to change", Vec::new()));
        }
        Ok(OrganizationUpdate {
            name: self.name.as_ref().map(|n| n.trim().to_owned()),
            description: self.description.clone(),
            ..Default::default()
        })
    }

    async fn read(&self, cx: Ctx<'_>, _: &OrganizationUpdate) -> Result<Organization> {
        let org = cx.org_id.to_string();
        cx.core
            .authed(cx.account_id, |c, t| {
                let org = org.clone();
                async move { c.get_organization(&t, &org).await }
            })
            .await
    }

    async fn act(&self, cx: Ctx<'_>, update: &OrganizationUpdate, _: &Organization) -> Result<Organization> {
        let org_id = cx.org_id;
        cx.core
            .authed(cx.account_id, |c, t| {
                let update = update.clone();
                async move { c.update_organization(&t, org_id, &update).await }
            })
            .await
    }

    fn cache(&self, cx: Ctx<'_>, _: &OrganizationUpdate, _: &Organization, org: &Organization) -> Result<()> {
        cx.core.with_cache(|c| c.put_organization(cx.account_id, org))
    }

    fn entry(&self, cx: Ctx<'_>, update: &OrganizationUpdate, now: Option<&Organization>) -> Entry {
        let mut e = Entry::new(self.kind(), now.map_or_else(|| cx.org_id.to_string(), |o| o.name.clone()))
            .id(cx.org_id);
        if let Some(org) = now {
            e.replaced.name = update.name.as_ref().map(|_| org.name.clone());
            e.replaced.description =
                update.description.as_ref().map(|_| org.description.clone().unwrap_or_default());
        }
        e.detail = update.name.clone().or_else(|| update.description.clone());
        e
    }
}
