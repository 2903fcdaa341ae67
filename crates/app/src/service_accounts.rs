//! Service accounts and their API keys: the window's side of core's
//! [`zenml_pro_core::service_accounts`]. The list and the keys are read live (never cached); each
//! write is checked by core before any request, then announced as a change of `members` (a service
//! account is a row of the member list; the Service accounts page and an open key list read again on
//! it).
//!
//! A new key's value leaves here once, in the [`NewApiKeyView`] the create or rotate command resolves
//! to: it is in no event, no log line and no store of the app (core keeps it nowhere either).

use zenml_pro_core::Entity;

use crate::app::App;
use crate::error::IpcResult;
use crate::views::*;

/// What every service-account or key write announces.
const CHANGED: &[Entity] = &[Entity::Members];

pub(crate) async fn list(app: &App, org: Option<String>) -> IpcResult<ServiceAccountsView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    Ok(ServiceAccountsView::from(&app.core().service_accounts(&account.id, org_id).await?))
}

pub(crate) fn adoption_note(app: &App, username: &str) -> String {
    app.core().adoption_note(username)
}

pub(crate) async fn create(
    app: &App,
    org: Option<String>,
    username: String,
    description: Option<String>,
) -> IpcResult<ServiceAccountView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let row =
        app.core().create_service_account(&account.id, org_id, &username, description.as_deref()).await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(ServiceAccountView::from(&row))
}

pub(crate) async fn set_active(
    app: &App,
    org: Option<String>,
    service_account: String,
    active: bool,
) -> IpcResult<ServiceAccountView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let row = app.core().set_service_account_active(&account.id, org_id, &service_account, active).await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(ServiceAccountView::from(&row))
}

pub(crate) async fn delete(app: &App, org: Option<String>, service_account: String) -> IpcResult<()> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().delete_service_account(&account.id, org_id, &service_account).await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(())
}

pub(crate) async fn api_keys(
    app: &App,
    org: Option<String>,
    service_account: String,
) -> IpcResult<Vec<ApiKeyView>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let mut keys: Vec<ApiKeyView> = app
        .core()
        .api_keys(&account.id, org_id, &service_account)
        .await?
        .iter()
        .map(ApiKeyView::from)
        .collect();
    keys.sort_by_key(|k| k.name.to_lowercase());
    Ok(keys)
}

pub(crate) async fn create_key(
    app: &App,
    org: Option<String>,
    service_account: String,
    name: String,
    description: Option<String>,
    expires_in_minutes: Option<u32>,
) -> IpcResult<NewApiKeyView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let made = app
        .core()
        .create_api_key(
            &account.id,
            org_id,
            &service_account,
            &name,
            description.as_deref(),
            expires_in_minutes.map(u64::from),
        )
        .await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(NewApiKeyView::from(made))
}

pub(crate) async fn rotate_key(
    app: &App,
    org: Option<String>,
    service_account: String,
    key: String,
    retain_minutes: Option<u32>,
) -> IpcResult<NewApiKeyView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    // 0 is no retention: the old value stops at once.
    let retain = retain_minutes.filter(|m| *m > 0).map(u64::from);
    let made = app.core().rotate_api_key(&account.id, org_id, &service_account, &key, retain).await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(NewApiKeyView::from(made))
}

pub(crate) async fn set_key_active(
    app: &App,
    org: Option<String>,
    service_account: String,
    key: String,
    active: bool,
) -> IpcResult<ApiKeyView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let row = app.core().set_api_key_active(&account.id, org_id, &service_account, &key, active).await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(ApiKeyView::from(&row))
}

pub(crate) async fn delete_key(
    app: &App,
    org: Option<String>,
    service_account: String,
    key: String,
) -> IpcResult<()> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().delete_api_key(&account.id, org_id, &service_account, &key).await?;
    app.changed(&account.id, Some(org_id), CHANGED);
    Ok(())
}
