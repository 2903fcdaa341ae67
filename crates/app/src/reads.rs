//! The reads: every list and page the window shows, from the cache.

use zenml_pro_core::{MemberKind, MemberQuery};

use crate::app::{App, DEFAULT_MEMBER_PAGE, MAX_MEMBER_PAGE};
use crate::error::IpcResult;
use crate::events::AppEvent;
use crate::views::*;

// ----- commands: reads (from the cache) -----

pub(crate) fn list_organizations(app: &App) -> IpcResult<OrgListView> {
    let account = app.account()?;
    let list = app.core().organization_list(&account.id)?;
    Ok(OrgListView {
        items: list.entries.iter().map(|e| OrgView::new(&e.organization, e.active)).collect(),
        fetched_at: list.fetched_at.map(iso),
        stale: list.stale,
        last_error: list.last_error,
        error_code: list.last_error_code,
    })
}

pub(crate) async fn switch_organization(app: &App, org: String) -> IpcResult<OrgView> {
    let account = app.account()?;
    let o = app.core().switch_organization(&account.id, &org).await?;
    app.shared
        .events
        .emit(AppEvent::ActiveOrgChanged { account_id: account.id.clone(), org_id: o.id.to_string() });
    Ok(OrgView::new(&o, true))
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
        org: OrgView::new(&cached.value, active),
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
        rows: page.value.rows.iter().map(MemberView::from).collect(),
        total: to_u32(page.value.total),
        fetched_at: Some(iso(page.fetched_at)),
        stale: page.stale,
        last_error: page.last_error,
        error_code: page.last_error_code,
        hidden: page.hidden,
        skipped: to_u32(page.skipped),
    })
}

pub(crate) fn list_invitations(
    app: &App,
    org: Option<String>,
    only_pending: bool,
) -> IpcResult<InvitationListView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let c = app.core().invitations(&account.id, org_id, only_pending)?;
    Ok(InvitationListView::new(c, |i| InvitationView::from(i)))
}

pub(crate) fn list_workspaces(app: &App, org: Option<String>) -> IpcResult<WorkspaceListView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let c = app.core().workspaces(&account.id, org_id)?;
    Ok(WorkspaceListView::new(c, |w| {
        let page = app.workspace_dashboard(org_id, w);
        WorkspaceView::new(w, page)
    }))
}

pub(crate) fn list_teams(app: &App, org: Option<String>) -> IpcResult<TeamListView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    Ok(TeamListView::new(app.core().teams(&account.id, org_id)?, |t| TeamView::from(t)))
}

pub(crate) fn list_roles(app: &App, org: Option<String>) -> IpcResult<RoleListView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    Ok(RoleListView::new(app.core().roles(&account.id, org_id)?, |r| RoleView::from(r)))
}
