//! Teams, scoped roles and who holds a role: the window's side of core's
//! [`zenml_pro_core::teams`] and [`zenml_pro_core::grants`]. Each write is checked by core before any
//! request and announced with the entities it changed; the pages read live (their data is not cached).

use zenml_pro_core::Entity;

use crate::app::App;
use crate::error::IpcResult;
use crate::views::*;

/// A team change moves the team's member count and the roles its members hold through it.
const TEAM_CHANGE: &[Entity] = &[Entity::Teams, Entity::Members];

pub(crate) async fn create_team(
    app: &App,
    org: Option<String>,
    name: String,
    description: Option<String>,
    members: Vec<String>,
) -> IpcResult<TeamCreatedView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let created = app.core().create_team(&account.id, org_id, &name, description, &members).await?;
    app.changed(&account.id, Some(org_id), TEAM_CHANGE);
    Ok(TeamCreatedView::from(&created))
}

pub(crate) async fn update_team(
    app: &App,
    org: Option<String>,
    team: String,
    name: Option<String>,
    description: Option<String>,
) -> IpcResult<zenml_pro_core::records::Team> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let t = app.core().update_team(&account.id, org_id, &team, name, description).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Teams]);
    Ok(zenml_pro_core::records::Team::new(&t))
}

pub(crate) async fn delete_team(app: &App, org: Option<String>, team: String) -> IpcResult<()> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().delete_team(&account.id, org_id, &team).await?;
    app.changed(&account.id, Some(org_id), TEAM_CHANGE);
    Ok(())
}

pub(crate) async fn team_members(app: &App, org: Option<String>, team: String) -> IpcResult<TeamMembersView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    Ok(TeamMembersView::from(&app.core().team_members(&account.id, org_id, &team).await?))
}

/// `add` true adds the emails (users or pending invitations of the organization), false removes them.
pub(crate) async fn change_team_members(
    app: &App,
    org: Option<String>,
    team: String,
    emails: Vec<String>,
    add: bool,
) -> IpcResult<Vec<TeamChangeView>> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let core = app.core();
    let outcomes = if add {
        core.add_to_team(&account.id, org_id, &team, &emails).await?
    } else {
        core.remove_from_team(&account.id, org_id, &team, &emails).await?
    };
    if outcomes.iter().any(|o| o.ok && !o.unchanged) {
        app.changed(&account.id, Some(org_id), TEAM_CHANGE);
    }
    Ok(outcomes.iter().map(TeamChangeView::from).collect())
}

pub(crate) async fn set_team_role(
    app: &App,
    org: Option<String>,
    team: String,
    role: String,
) -> IpcResult<()> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    app.core().set_team_role(&account.id, org_id, &team, &role).await?;
    app.changed(&account.id, Some(org_id), TEAM_CHANGE);
    Ok(())
}

pub(crate) async fn workspace_access(
    app: &App,
    org: Option<String>,
    workspace: String,
) -> IpcResult<WorkspaceAccessView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let core = app.core();
    let entries = core.workspace_access(&account.id, org_id, &workspace).await?;
    let ws = core.find_workspace(&account.id, org_id, &workspace)?;
    let dashboard = app.workspace_dashboard(org_id, &ws);
    Ok(WorkspaceAccessView::new(&ws, dashboard, &entries))
}

/// `grant` true gives `who` (an email or a team) the workspace role, false takes it back.
pub(crate) async fn change_workspace_role(
    app: &App,
    org: Option<String>,
    workspace: String,
    who: String,
    role: String,
    grant: bool,
) -> IpcResult<AccessEntryView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let core = app.core();
    let entry = if grant {
        core.grant_workspace_role(&account.id, org_id, &workspace, &who, &role).await?
    } else {
        core.revoke_workspace_role(&account.id, org_id, &workspace, &who, &role).await?
    };
    // The workspace's access page and the member rows (their workspace roles) show it.
    app.changed(&account.id, Some(org_id), &[Entity::Workspaces, Entity::Members]);
    Ok(AccessEntryView::from(&entry))
}

pub(crate) async fn role_holders(app: &App, org: Option<String>, role: String) -> IpcResult<RoleHoldersView> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let (role, holders) = app.core().role_holders(&account.id, org_id, &role).await?;
    Ok(RoleHoldersView::new(&role, &holders))
}

pub(crate) async fn member_access(
    app: &App,
    org: Option<String>,
    member: String,
    account: Option<String>,
) -> IpcResult<MemberAccessView> {
    let (account_id, org_id) = match account {
        // A person's page reads as the account that sees the organization, active or not.
        Some(id) => {
            let account = app.core().account(&id)?;
            let org_id = app.core().resolve_org(&account.id, org.as_deref())?;
            (account.id, org_id)
        }
        None => {
            let (account, org_id) = app.account_and_org(org.as_deref())?;
            (account.id, org_id)
        }
    };
    Ok(MemberAccessView::from(&app.core().member_access(&account_id, org_id, &member).await?))
}
