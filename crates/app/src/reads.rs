//! The reads: every list and page the window shows, from the cache.

use zenml_pro_core::{MemberKind, MemberQuery};

use crate::app::{App, DEFAULT_MEMBER_PAGE, MAX_MEMBER_PAGE};
use crate::error::IpcResult;
use crate::events::AppEvent;
use crate::views::*;
use zenml_pro_core::records::{Invitation, List, Member, Organization, Role, Team, Workspace};

// ----- commands: reads (from the cache) -----

pub(crate) fn list_organizations(app: &App) -> IpcResult<List<Organization>> {
    let account = app.account()?;
    let list = app.core().organization_list(&account.id)?;
    let freshness = Freshness {
        fetched_at: list.fetched_at.map(zenml_pro_core::records::time),
        stale: list.stale,
        last_error: list.last_error,
        error_code: list.last_error_code,
        ..Freshness::default()
    };
    Ok(List {
        items: list.entries.iter().map(|e| Organization::new(&e.organization, e.active)).collect(),
        freshness,
    })
}

pub(crate) async fn switch_organization(app: &App, org: String) -> IpcResult<Organization> {
    let account = app.account()?;
    let o = app.core().switch_organization(&account.id, &org).await?;
    app.shared
        .events
        .emit(AppEvent::ActiveOrgChanged { account_id: account.id.clone(), org_id: o.id.to_string() });
    Ok(Organization::new(&o, true))
}

pub(crate) fn organization_overview(app: &App, org: Option<String>) -> IpcResult<OverviewView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let core = app.core();
    let cached = core.organization(&account.id, &org_id.to_string())?;
    let active = core.active_organization(&account.id)? == Some(org_id);
    let access = AccessView::new(org_id, core.my_roles(&account.id, org_id)?);
    // Users and service accounts, counted in one pass over the organization's members.
    let counts = core.member_counts(&account.id, org_id)?;
    let member_count = (!counts.hidden).then(|| {
        let people =
            counts.value.iter().filter(|(k, _)| matches!(k, MemberKind::User | MemberKind::ServiceAccount));
        to_u32(people.map(|(_, n)| n).sum())
    });
    let workspaces = core.workspaces(&account.id, org_id)?;
    let workspace_count = (!workspaces.hidden).then(|| to_u32(workspaces.value.len()));
    let dashboard_url = app.org_dashboard(org_id);
    Ok(OverviewView {
        org: Organization::new(&cached.value, active),
        can_manage: access.can_manage,
        can_see_billing: access.can_see_billing,
        my_roles: access.my_roles,
        billing_url: app.dashboard_page(&["organizations", &org_id.to_string(), "settings", "billing"]),
        dashboard_url,
        member_count,
        workspace_count,
        fetched_at: Some(iso(cached.fetched_at)),
        stale: cached.stale,
        last_error: cached.last_error,
        error_code: cached.last_error_code,
    })
}

pub(crate) fn list_members(
    app: &App,
    org: Option<String>,
    query: MemberQueryView,
) -> IpcResult<MemberPageView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let limit = query.limit.unwrap_or(DEFAULT_MEMBER_PAGE).min(MAX_MEMBER_PAGE);
    let q = MemberQuery {
        search: query.search.filter(|s| !s.trim().is_empty()),
        role: query.role.filter(|s| !s.trim().is_empty()),
        kind: query.kind,
        offset: query.offset.unwrap_or(0) as usize,
        limit: Some(limit as usize),
    };
    let page = app.core().members(&account.id, org_id, &q)?;
    Ok(MemberPageView {
        items: page.value.rows.iter().filter_map(Member::new).collect(),
        total: to_u32(page.value.total),
        freshness: Freshness::of(&page),
    })
}

pub(crate) fn list_invitations(
    app: &App,
    org: Option<String>,
    only_pending: bool,
) -> IpcResult<List<Invitation>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let c = app.core().invitations(&account.id, org_id, only_pending)?;
    Ok(List::from_cached(&c, |i| Some(Invitation::from_wire(i))))
}

pub(crate) fn list_workspaces(app: &App, org: Option<String>) -> IpcResult<List<Workspace>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let c = app.core().workspaces(&account.id, org_id)?;
    Ok(List::from_cached(&c, |w| Some(Workspace::new(w, app.workspace_dashboard(org_id, w)))))
}

pub(crate) fn list_teams(app: &App, org: Option<String>) -> IpcResult<List<Team>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    Ok(List::from_cached(&app.core().teams(&account.id, org_id)?, |t| Some(Team::new(t))))
}

pub(crate) fn list_roles(app: &App, org: Option<String>) -> IpcResult<List<Role>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    Ok(List::from_cached(&app.core().roles(&account.id, org_id)?, |r| Some(Role::new(r))))
}
