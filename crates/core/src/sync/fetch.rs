//! Fetching one organization: its five lists at once, roles classified by level, and the names the
//! server left out filled in from the organization's own lists.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;
use zenml_cloud_api::{
    AccessToken, ApiClient, ApiError, Invitation, InvitationFilter, Listing, MemberRow, Organization,
    ReadNotes, Role, RoleFilter, RoleLevel, Team, Workspace, WorkspaceFilter,
};

use super::OrgFailure;
use crate::cache::{Entity, ListRead, OrgSnapshot};
use crate::error::{ErrorCode, Result};
use crate::service::Core;

impl Core {
    /// Fetches one organization's snapshot with the account's session.
    pub(super) async fn fetch_org(
        &self,
        account_id: &str,
        org: &Organization,
    ) -> Result<OrgSnapshot, OrgFailure> {
        let fetched = self
            .authed(account_id, |c, t| {
                let org = org.clone();
                async move { fetch_snapshot(c, t, org).await }
            })
            .await;
        match fetched {
            Ok(snapshot) => {
                let hidden: Vec<&str> =
                    snapshot.reads.iter().filter(|(_, r)| r.hidden).map(|(e, _)| e.as_str()).collect();
                if !hidden.is_empty() {
                    tracing::info!(org = %org.id, ?hidden, "lists this role may not read are marked hidden");
                }
                Ok(snapshot)
            }
            Err(e) if e.code == ErrorCode::Unauthorized => Err(OrgFailure::Unauthorized(e)),
            Err(e) => Err(OrgFailure::Other(e)),
        }
    }
}

/// Fetches one organization's five lists at once. A list the caller's role may not read (403) is
/// stored empty and marked hidden, so the rest of the organization syncs; what reading each list
/// noticed is kept with it. Roles without a level are classified by asking with `?level=`, and member
/// and invitation roles without a name are named from the organization's roles.
async fn fetch_snapshot(
    client: ApiClient,
    token: AccessToken,
    organization: Organization,
) -> Result<OrgSnapshot, ApiError> {
    let (c, t, id) = (&client, &token, organization.id);
    let ws_filter = WorkspaceFilter { organization_id: Some(id), ..Default::default() };
    // Every status: the cache keeps the history, the screens filter.
    let all_invitations = InvitationFilter { only_pending: false, email: None };
    let all_roles = RoleFilter::default();
    let (workspaces, members, invitations, roles, teams) = tokio::try_join!(
        permitted(c.all_workspaces(t, &ws_filter)),
        permitted(c.all_members(t, id)),
        permitted(c.all_invitations(t, id, &all_invitations)),
        permitted(c.all_roles(t, id, &all_roles)),
        permitted(c.all_teams(t, id)),
    )?;
    let mut reads = BTreeMap::new();
    let workspaces = unpack(Entity::Workspaces, workspaces, &mut reads);
    let mut members = unpack(Entity::Members, members, &mut reads);
    let mut invitations = unpack(Entity::Invitations, invitations, &mut reads);
    let mut roles = unpack(Entity::Roles, roles, &mut reads);
    let teams = unpack(Entity::Teams, teams, &mut reads);
    classify_role_levels(c, t, id, &mut roles).await?;
    name_roles(&roles, &mut members, &mut invitations);
    name_invitation_scopes(&workspaces, &teams, &mut members, &mut invitations);
    Ok(OrgSnapshot { organization, workspaces, members, invitations, roles, teams, reads })
}

/// The rows of a list, its read state noted in `reads` (hidden when the list was refused).
fn unpack<T>(entity: Entity, listing: Option<Listing<T>>, reads: &mut BTreeMap<Entity, ListRead>) -> Vec<T> {
    match listing {
        None => {
            reads.insert(entity, ListRead { hidden: true, notes: ReadNotes::default() });
            Vec::new()
        }
        Some(Listing { items, notes }) => {
            if !notes.is_empty() {
                reads.insert(entity, ListRead { hidden: false, notes });
            }
            items
        }
    }
}

/// Gives roles the server listed without a level the level they are listed under when asked with
/// `?level=` (a role found under exactly one level). A server that ignores the filter lists every role
/// under every level, which classifies nothing; a refusal to filter is no error.
async fn classify_role_levels(
    c: &ApiClient,
    t: &AccessToken,
    org_id: Uuid,
    roles: &mut [Role],
) -> Result<(), ApiError> {
    if roles.iter().all(|r| r.level.is_some()) {
        return Ok(());
    }
    let levels = [RoleLevel::Organization, RoleLevel::Workspace, RoleLevel::Project];
    let filter = |level| RoleFilter { level: Some(level), name: None };
    let (f0, f1, f2) = (filter(levels[0]), filter(levels[1]), filter(levels[2]));
    let lists = [c.all_roles(t, org_id, &f0), c.all_roles(t, org_id, &f1), c.all_roles(t, org_id, &f2)];
    let lists = futures::future::join_all(lists).await;
    let mut found: HashMap<Uuid, Vec<RoleLevel>> = HashMap::new();
    for (level, listed) in levels.into_iter().zip(lists) {
        match listed {
            Ok(listing) => {
                for role in listing.items {
                    found.entry(role.id).or_default().push(level);
                }
            }
            Err(ApiError::Forbidden(_) | ApiError::InvalidInput(_) | ApiError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for role in roles.iter_mut().filter(|r| r.level.is_none()) {
        if let Some([level]) = found.get(&role.id).map(Vec::as_slice) {
            role.level = Some(*level);
        }
    }
    Ok(())
}

/// Fills in the names (and levels) of member and invitation roles that came without them, from the
/// organization's roles by id.
fn name_roles(roles: &[Role], members: &mut [MemberRow], invitations: &mut [Invitation]) {
    let by_id: HashMap<Uuid, &Role> = roles.iter().map(|r| (r.id, r)).collect();
    let name_invitation = |inv: &mut Invitation| {
        for r in inv.role.iter_mut() {
            if r.name.is_none() {
                r.name = by_id.get(&r.id).map(|role| role.name.clone());
            }
        }
        for r in inv.roles.iter_mut() {
            if let Some(role) = by_id.get(&r.id) {
                r.name = r.name.take().or_else(|| Some(role.name.clone()));
                r.level = r.level.or(role.level);
            }
        }
    };
    for row in members.iter_mut() {
        for held in &mut row.roles {
            if let Some(role) = by_id.get(&held.role_id) {
                held.name = held.name.take().or_else(|| Some(role.name.clone()));
                held.level = held.level.or(role.level);
            }
        }
        if let Some(inv) = row.invitation.as_mut() {
            name_invitation(inv);
        }
    }
    for inv in invitations.iter_mut() {
        name_invitation(inv);
    }
}

/// Names the workspaces of invitations' workspace roles and the teams they join (a server may send
/// only ids), from the organization's workspaces and teams.
fn name_invitation_scopes(
    workspaces: &[Workspace],
    teams: &[Team],
    members: &mut [MemberRow],
    invitations: &mut [Invitation],
) {
    for inv in invitations.iter_mut().chain(members.iter_mut().filter_map(|r| r.invitation.as_mut())) {
        crate::invites::name_scopes(inv, workspaces, teams);
    }
}

/// `None` when the caller's role may not read the list (403), so the rest of the organization syncs.
async fn permitted<T>(
    f: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<Option<T>, ApiError> {
    match f.await {
        Ok(v) => Ok(Some(v)),
        Err(ApiError::Forbidden(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
