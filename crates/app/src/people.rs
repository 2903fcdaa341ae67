//! The pages across organizations: People, a person, and Home (every cached organization of every
//! signed-in account as a card), all from the cache; and opening an organization of any signed-in
//! account from them.

use zenml_pro_core::PeopleQuery;

use crate::app::App;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::views::*;

/// People per page when the query gives no limit, and the most one page may hold.
pub const DEFAULT_PEOPLE_PAGE: u32 = 50;
pub const MAX_PEOPLE_PAGE: u32 = 500;

pub(crate) fn people(app: &App, query: PeopleQueryView) -> IpcResult<PeoplePageView> {
    let q = PeopleQuery {
        search: query.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        offset: query.offset.unwrap_or(0) as usize,
        limit: Some(query.limit.unwrap_or(DEFAULT_PEOPLE_PAGE).clamp(1, MAX_PEOPLE_PAGE) as usize),
    };
    Ok(PeoplePageView::from(&app.core().people(&q)?))
}

pub(crate) fn person(app: &App, email: String) -> IpcResult<PersonView> {
    Ok(PersonView::from(&app.core().person(&email)?))
}

pub(crate) fn home(app: &App) -> IpcResult<HomeView> {
    let active = app.core().active_account()?.map(|a| a.id);
    Ok(HomeView::new(&app.core().home()?, active.as_deref()))
}

/// Makes `org` (an id or a name) the active organization of `account_id`, switching to that account
/// first when it is not the active one: what a card of Home or an organization of a person's page
/// opens. One such switch at a time (with the tray's), so the account and the organization stay
/// together.
pub(crate) async fn open_organization(
    app: &App,
    account_id: String,
    org: String,
) -> IpcResult<zenml_pro_core::records::Organization> {
    let _one_at_a_time = app.tray_switch.lock().await;
    let active = app.core().active_account()?.map(|a| a.id);
    if active.as_deref() != Some(account_id.as_str()) {
        let account = app.core().account(&account_id)?;
        if !account.signed_in {
            return Err(IpcError::new(
                ErrorCode::Unauthorized,
                format!(
                    "{} is signed out: sign in to it again to open its organizations",
                    zenml_pro_core::account_label(&account)
                ),
            ));
        }
        app.switch_account(account_id).await?;
    }
    app.switch_organization(org).await
}
