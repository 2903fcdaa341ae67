//! The in-memory database of the emulator and the role rules (the JSON shapes are in `shapes.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use crate::shapes::MemberKey;

/// Who holds a role assignment or belongs to a team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    User(Uuid),
    Invitation(Uuid),
    Team(Uuid),
}

/// One role assignment, scoped to the organization (no workspace), a workspace or a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    pub role_id: Uuid,
    pub workspace_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
}

impl Grant {
    pub fn org(role_id: Uuid) -> Self {
        Grant { role_id, workspace_id: None, project_id: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Organization,
    Workspace,
    Project,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Organization => "organization",
            Level::Workspace => "workspace",
            Level::Project => "project",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "organization" => Some(Level::Organization),
            "workspace" => Some(Level::Workspace),
            "project" => Some(Level::Project),
            _ => None,
        }
    }
}

pub const ORG_ADMIN: &str = "Organization Admin";
pub const ORG_MANAGER: &str = "Organization Manager";
pub const ORG_VIEWER: &str = "Organization Viewer";
pub const BILLING_ADMIN: &str = "Billing Admin";
pub const ORG_MEMBER: &str = "Organization Member";

/// The built-in roles every organization has: (name, level, description).
pub const BUILTIN_ROLES: &[(&str, Level, &str)] = &[
    (ORG_ADMIN, Level::Organization, "Full control of the organization, including billing"),
    (ORG_MANAGER, Level::Organization, "Manage most organization settings, no billing"),
    (ORG_VIEWER, Level::Organization, "Read-only access to the organization"),
    (BILLING_ADMIN, Level::Organization, "Manage billing only"),
    (ORG_MEMBER, Level::Organization, "Minimal access; sees only the workspaces granted"),
    ("Workspace Admin", Level::Workspace, "Full control of a workspace"),
    ("Workspace Developer", Level::Workspace, "Create and run pipelines in a workspace"),
    ("Workspace Contributor", Level::Workspace, "Contribute resources to a workspace"),
    ("Workspace Viewer", Level::Workspace, "Read-only access to a workspace"),
    ("Stack Admin", Level::Workspace, "Manage stacks and components of a workspace"),
    ("Project Admin", Level::Project, "Full control of a project"),
    ("Project Developer", Level::Project, "Create and run pipelines in a project"),
    ("Project Contributor", Level::Project, "Contribute resources to a project"),
    ("Project Viewer", Level::Project, "Read-only access to a project"),
];

pub const WORKSPACE_STATUSES: &[&str] =
    &["not_initialized", "pending", "available", "failed", "deactivated", "deleted"];
/// States a client may ask for (`pending` and `failed` are never desired).
pub const DESIRED_STATES: &[&str] = &["not_initialized", "available", "deactivated", "deleted"];

#[derive(Clone, Debug)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub name: String,
    pub avatar_url: Option<String>,
    pub is_superuser: bool,
    pub is_service_account: bool,
    /// `false` once deactivated. A deactivated user keeps their grants and tokens here, as the real
    /// server has been seen to (contract, section 6: "deactivation vs removal").
    pub is_active: bool,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct Org {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub display_name: String,
    pub logo_url: Option<String>,
    pub owner_id: Uuid,
    pub plan: String,
    pub trial_expiry: Option<DateTime<Utc>>,
    pub has_active_subscription: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Every role assignment in this organization, by holder.
    pub grants: BTreeMap<Subject, BTreeSet<Grant>>,
}

#[derive(Clone, Debug)]
pub struct Role {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub level: Level,
    pub organization_id: Uuid,
    pub system_managed: bool,
    /// What a custom organization role lets its holders change. Built-in roles take their rights from
    /// their name and leave this empty.
    pub permissions: Permissions,
}

/// The changes a custom organization role allows beyond reading everything (the default of custom
/// roles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    /// Create and revoke invitations (and so resend them).
    pub manage_invitations: bool,
}

#[derive(Clone, Debug)]
pub struct Team {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub members: BTreeSet<Subject>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub organization_id: Uuid,
    pub role_id: Option<Uuid>,
    pub inviter_id: Option<Uuid>,
    /// Stored status; a `pending` one past `expires` is served as `expired`.
    pub status: String,
    pub created: DateTime<Utc>,
    pub expires: Option<DateTime<Utc>>,
}

impl Invitation {
    pub fn effective_status(&self, now: DateTime<Utc>) -> &str {
        match self.expires {
            Some(exp) if self.status == "pending" && exp <= now => "expired",
            _ => &self.status,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Workspace {
    pub id: Uuid,
    pub name: String,
    pub display_name: String,
    pub description: Option<String>,
    pub organization_id: Uuid,
    pub desired_state: String,
    pub state_reason: String,
    pub status: String,
    pub version: Option<String>,
    /// The ZenML server's URL (`zenml_service.status.server_url`).
    pub server_url: String,
    /// `workspace_type`: `zenml`, `kitaru`, or any text a test sets
    /// (`POST /_emulator/workspaces/type`).
    pub workspace_type: String,
    /// Whether it has a ZenML server (`zenml_service`); a Kitaru workspace may have none.
    pub zenml_service: bool,
    /// A Kitaru workspace's server URL (`kitaru_service.status.server_url`).
    pub kitaru_url: Option<String>,
    /// When a transition started by a PATCH ends (status becomes `desired_state`).
    pub transition_until: Option<Instant>,
}

/// What a caller may do in one organization, from their organization-level roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Organization Member: the organization, its roles and teams, and granted workspaces.
    Member,
    /// Organization Viewer, Billing Admin and custom roles: read everything.
    Read,
    /// Organization Admin and Manager: read and change.
    Manage,
}

#[derive(Clone, Copy, Debug)]
pub struct OrgAccess {
    pub access: Access,
    /// Organization Admin or Billing Admin: sees plan, trial expiry and subscription.
    pub billing: bool,
    /// A custom role with [`Permissions::manage_invitations`]: may invite and revoke invitations.
    pub invite: bool,
}

impl OrgAccess {
    pub fn can_read_all(&self) -> bool {
        self.access >= Access::Read
    }
    pub fn can_manage(&self) -> bool {
        self.access == Access::Manage
    }
    pub fn can_invite(&self) -> bool {
        self.can_manage() || self.invite
    }
}

#[derive(Default)]
pub struct Db {
    pub users: HashMap<Uuid, User>,
    pub orgs: HashMap<Uuid, Org>,
    pub roles: HashMap<Uuid, Role>,
    pub teams: HashMap<Uuid, Team>,
    /// Team ids by organization, so per-row lookups do not walk every team of every organization.
    pub teams_by_org: HashMap<Uuid, Vec<Uuid>>,
    pub invitations: HashMap<Uuid, Invitation>,
    pub workspaces: HashMap<Uuid, Workspace>,
    /// Personal access tokens and service-account keys, to the user they sign in as.
    pub keys: HashMap<String, Uuid>,
    /// (username or email, password, user) for the username/password grant.
    pub passwords: Vec<(String, String, Uuid)>,
    /// Transitions set to fail (`POST /_emulator/workspaces/fail`): (the workspace, or any; the
    /// `state_reason`), used up by the next transition that ends.
    pub workspace_failures: Vec<(Option<Uuid>, String)>,
    /// What a service account has beyond its user, by user id (see `service_accounts.rs`).
    pub service_accounts: HashMap<Uuid, ServiceAccountInfo>,
    /// Keys created for service accounts through the API, by key id.
    pub api_keys: HashMap<Uuid, ApiKey>,
}

/// A service account's fields beyond its user.
#[derive(Clone, Debug, Default)]
pub struct ServiceAccountInfo {
    /// The organization that created it (one that holds a role for it counts too).
    pub organization_id: Option<Uuid>,
    pub description: Option<String>,
    /// When one of its keys last signed in.
    pub last_login: Option<DateTime<Utc>>,
}

/// A service account's API key. Its secret is served once, when created or rotated.
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: Uuid,
    /// The service account it signs in as.
    pub user_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub created: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub secret: String,
    /// Secrets rotated out, each working until its time.
    pub retired: Vec<(String, DateTime<Utc>)>,
    /// The retention asked at the last rotation.
    pub retain_period_minutes: Option<u64>,
}

impl Db {
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users.values().find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// The org-level grants of `subject` in `org` (role ids).
    pub(crate) fn org_level_roles<'a>(
        &'a self,
        org: &'a Org,
        subject: Subject,
    ) -> impl Iterator<Item = &'a Role> + 'a {
        org.grants
            .get(&subject)
            .into_iter()
            .flatten()
            .filter(|g| g.workspace_id.is_none() && g.project_id.is_none())
            .filter_map(|g| self.roles.get(&g.role_id))
            .filter(|r| r.level == Level::Organization)
    }

    /// Teams of `org` that `subject` belongs to.
    pub fn teams_of<'a>(&'a self, org_id: Uuid, subject: Subject) -> impl Iterator<Item = &'a Team> + 'a {
        self.teams_by_org
            .get(&org_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.teams.get(id))
            .filter(move |t| t.members.contains(&subject))
    }

    /// Organization-level roles a user holds in `org`, with whether each comes through a team.
    pub fn user_org_roles<'a>(&'a self, org: &'a Org, user_id: Uuid) -> Vec<(&'a Role, bool)> {
        let mut out: Vec<(&'a Role, bool)> =
            self.org_level_roles(org, Subject::User(user_id)).map(|r| (r, false)).collect();
        for team in self.teams_of(org.id, Subject::User(user_id)) {
            out.extend(self.org_level_roles(org, Subject::Team(team.id)).map(|r| (r, true)));
        }
        out
    }

    /// The caller's access to an organization; `None` when not a member.
    pub fn access(&self, org_id: Uuid, user_id: Uuid) -> Option<OrgAccess> {
        let org = self.orgs.get(&org_id)?;
        let mut best: Option<OrgAccess> = None;
        for (role, _) in self.user_org_roles(org, user_id) {
            let (access, billing) = match (role.system_managed, role.name.as_str()) {
                (true, ORG_ADMIN) => (Access::Manage, true),
                (true, ORG_MANAGER) => (Access::Manage, false),
                (true, BILLING_ADMIN) => (Access::Read, true),
                (true, ORG_MEMBER) => (Access::Member, false),
                _ => (Access::Read, false),
            };
            let invite = !role.system_managed && role.permissions.manage_invitations;
            best = Some(match best {
                None => OrgAccess { access, billing, invite },
                Some(b) => OrgAccess {
                    access: b.access.max(access),
                    billing: b.billing || billing,
                    invite: b.invite || invite,
                },
            });
        }
        best
    }

    /// Whether the user holds any workspace- or project-level role on this workspace (direct or via a team).
    pub fn has_workspace_grant(&self, ws: &Workspace, user_id: Uuid) -> bool {
        let Some(org) = self.orgs.get(&ws.organization_id) else {
            return false;
        };
        let mut subjects = vec![Subject::User(user_id)];
        subjects.extend(self.teams_of(org.id, Subject::User(user_id)).map(|t| Subject::Team(t.id)));
        subjects
            .iter()
            .any(|s| org.grants.get(s).is_some_and(|gs| gs.iter().any(|g| g.workspace_id == Some(ws.id))))
    }

    /// Users holding Organization Admin directly in `org`.
    pub fn direct_admins(&self, org: &Org) -> Vec<Uuid> {
        org.grants
            .iter()
            .filter_map(|(s, gs)| match s {
                Subject::User(u)
                    if gs.iter().any(|g| {
                        g.workspace_id.is_none()
                            && self
                                .roles
                                .get(&g.role_id)
                                .is_some_and(|r| r.system_managed && r.name == ORG_ADMIN)
                    }) =>
                {
                    Some(*u)
                }
                _ => None,
            })
            .collect()
    }

    /// Ends workspace transitions whose time has come.
    pub fn settle_workspaces(&mut self, now: Instant) {
        let due: Vec<Uuid> = self
            .workspaces
            .values()
            .filter(|ws| ws.transition_until.is_some_and(|t| t <= now))
            .map(|ws| ws.id)
            .collect();
        for id in due {
            self.end_transition(id);
        }
    }

    /// Ends a workspace's transition: in its desired state, or in `failed` when a failure was set for
    /// it (which is then used up).
    pub fn end_transition(&mut self, id: Uuid) {
        let failure = self.workspace_failures.iter().position(|(w, _)| w.is_none_or(|w| w == id));
        let reason = failure.map(|i| self.workspace_failures.remove(i).1);
        if let Some(ws) = self.workspaces.get_mut(&id) {
            ws.transition_until = None;
            match reason {
                Some(reason) => {
                    ws.status = "failed".into();
                    ws.state_reason = reason;
                }
                None => {
                    ws.status = ws.desired_state.clone();
                    ws.state_reason = String::new();
                }
            }
        }
    }

    pub fn role_of_org_by_name(&self, org_id: Uuid, name: &str) -> Option<Uuid> {
        self.roles.values().find(|r| r.organization_id == org_id && r.name == name).map(|r| r.id)
    }

    /// Whether a grant is an organization-level role of the organization (no workspace, no project).
    pub fn is_org_level(&self, g: &Grant) -> bool {
        g.workspace_id.is_none()
            && g.project_id.is_none()
            && self.roles.get(&g.role_id).is_some_and(|r| r.level == Level::Organization)
    }
}

/// Organization names: 1 to 50 characters of letters, digits, space, `_` and `-`.
pub fn valid_org_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= 50
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_' || c == '-')
}

/// A deliberately plain email check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}
