//! The in-memory database of the emulator, the role rules, and the JSON shapes the API serves.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::dialect::Dialect;

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

    // ---- JSON shapes ----
    //
    // Every object the API serves is built here (and the token and device responses in `auth.rs`),
    // dialect-aware; the OpenAPI document infers its schemas from these same functions.

    pub fn user_json(d: Dialect, u: &User) -> Value {
        d.finish(json!({
            "id": u.id,
            "username": u.username,
            "email": u.email,
            "name": u.name,
            "avatar_url": u.avatar_url,
            "is_superuser": u.is_superuser,
            "is_service_account": u.is_service_account,
            "is_active": u.is_active,
            "created": u.created,
        }))
    }

    /// `GET /users/me` in its documented shape (contract, section 4): no `created`; for a service
    /// account `email` is its username, not an address, and `organization_id` names the one
    /// organization it belongs to.
    pub fn me_json(&self, d: Dialect, u: &User) -> Value {
        let organization_id = if u.is_service_account {
            let mut orgs: Vec<&Org> =
                self.orgs.values().filter(|o| o.grants.contains_key(&Subject::User(u.id))).collect();
            orgs.sort_by(|a, b| a.name.cmp(&b.name));
            orgs.first().map(|o| o.id)
        } else {
            None
        };
        let mut me = json!({
            "id": u.id,
            "username": u.username,
            "email": if u.is_service_account { &u.username } else { &u.email },
            "name": u.name,
            "avatar_url": u.avatar_url,
            "company": null,
            "job_title": null,
            "metadata": {},
            "oauth_provider": null,
            "oauth_id": null,
            "password": null,
            "password_expired": false,
            "is_active": u.is_active,
            "is_superuser": u.is_superuser,
            "is_service_account": u.is_service_account,
            "organization_id": organization_id,
        });
        if d.is_variant() {
            // The variant dialect puts its unknown object under `metadata`.
            me.as_object_mut().expect("an object").remove("metadata");
        }
        d.finish(me)
    }

    /// An organization; billing fields only when `billing` is true.
    pub fn org_json(&self, d: Dialect, org: &Org, billing: bool) -> Value {
        let variant = d.is_variant();
        let mut m = Map::new();
        m.insert("id".into(), json!(org.id));
        m.insert("name".into(), json!(org.name));
        m.insert("description".into(), json!(org.description));
        m.insert("created".into(), json!(org.created));
        m.insert("updated".into(), json!(org.updated));
        if !variant {
            m.insert("display_name".into(), json!(org.display_name));
        }
        m.insert("logo_url".into(), json!(org.logo_url));
        let owner = if variant {
            json!(org.owner_id.to_string())
        } else {
            self.users.get(&org.owner_id).map(|u| Self::user_json(d, u)).unwrap_or(Value::Null)
        };
        m.insert("owner".into(), owner);
        if billing {
            m.insert("has_active_subscription".into(), json!(org.has_active_subscription));
            let trial_expiry = if variant {
                json!(org.trial_expiry.map(|t| t.timestamp()))
            } else {
                json!(org.trial_expiry)
            };
            m.insert("trial_expiry".into(), trial_expiry);
            if !variant {
                m.insert("plan".into(), json!(org.plan));
            }
        }
        d.object(m)
    }

    pub fn role_json(d: Dialect, r: &Role) -> Value {
        let mut v = json!({
            "id": r.id,
            "name": r.name,
            "description": r.description,
            "level": r.level.as_str(),
            "organization_id": r.organization_id,
            "system_managed": r.system_managed,
        });
        if d.is_variant() {
            if let Some(m) = v.as_object_mut() {
                m.remove("level");
            }
        }
        d.finish(v)
    }

    /// The `{id, name}` of a role, as invitations carry it.
    pub fn role_ref_json(d: Dialect, r: &Role) -> Value {
        d.finish(json!({"id": r.id, "name": r.name}))
    }

    pub fn team_json(d: Dialect, t: &Team) -> Value {
        d.finish(json!({
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "member_count": t.members.len(),
            "created": t.created,
            "updated": t.updated,
        }))
    }

    /// A workspace. ZenML workspaces carry `workspace_type: "zenml"` (the variant leaves the type
    /// out: absence is ZenML's too); a Kitaru workspace carries `"kitaru"` and a `kitaru_service`, and
    /// may have no ZenML server: no `zenml_service` at all (the variant sends it as `null`).
    pub fn workspace_json(&self, d: Dialect, ws: &Workspace, billing: bool) -> Value {
        let org =
            self.orgs.get(&ws.organization_id).map(|o| self.org_json(d, o, billing)).unwrap_or(Value::Null);
        let zenml_service = if ws.status == "not_initialized" && ws.version.is_none() {
            json!({"configuration": null, "status": null})
        } else {
            let running = matches!(ws.status.as_str(), "available" | "pending");
            json!({
                "configuration": ws.version.as_ref().map(|v| json!({"version": v})),
                "status": {
                    "server_url": ws.server_url,
                    "version": if running { ws.version.clone() } else { None },
                },
            })
        };
        let mut m = Map::new();
        m.insert("id".into(), json!(ws.id));
        m.insert("name".into(), json!(ws.name));
        if !d.is_variant() {
            m.insert("display_name".into(), json!(ws.display_name));
        }
        m.insert("description".into(), json!(ws.description));
        m.insert("organization".into(), org);
        m.insert("desired_state".into(), json!(ws.desired_state));
        m.insert("state_reason".into(), json!(ws.state_reason));
        m.insert("status".into(), json!(ws.status));
        if ws.zenml_service {
            m.insert("zenml_service".into(), zenml_service);
        } else if d.is_variant() {
            m.insert("zenml_service".into(), Value::Null);
        }
        if !(d.is_variant() && ws.workspace_type == "zenml") {
            m.insert("workspace_type".into(), json!(ws.workspace_type));
        }
        if let Some(url) = &ws.kitaru_url {
            let admin = self
                .orgs
                .get(&ws.organization_id)
                .and_then(|o| self.users.get(&o.owner_id))
                .map(|u| json!({"email": u.email, "name": u.name}));
            m.insert(
                "kitaru_service".into(),
                json!({"configuration": {"admin": admin}, "status": {"server_url": url}}),
            );
        }
        d.object(m)
    }

    /// One entry of a member row's `roles`.
    pub fn member_role_json(d: Dialect, r: &Role, via_team: bool) -> Value {
        let mut v = json!({"role_id": r.id, "name": r.name, "level": r.level.as_str(), "via_team": via_team});
        if d.is_variant() {
            if let Some(m) = v.as_object_mut() {
                m.remove("name");
            }
        }
        d.finish(v)
    }

    /// The org-level roles `subject` holds directly, as member role entries.
    fn direct_member_roles(&self, d: Dialect, org: &Org, subject: Subject) -> Vec<Value> {
        self.org_level_roles(org, subject).map(|r| Self::member_role_json(d, r, false)).collect()
    }

    /// One row of an organization's member list; `None` when its subject no longer exists.
    pub fn member_row_json(
        &self,
        d: Dialect,
        org: &Org,
        key: MemberKey,
        now: DateTime<Utc>,
    ) -> Option<Value> {
        let row = match key {
            MemberKey::User(u) => {
                let roles: Vec<Value> = self
                    .user_org_roles(org, u)
                    .into_iter()
                    .map(|(r, via)| Self::member_role_json(d, r, via))
                    .collect();
                let user = self.users.get(&u)?;
                json!({"user": Self::user_json(d, user), "team": null, "invitation": null, "roles": roles})
            }
            MemberKey::Team(t) => {
                let t = self.teams.get(&t)?;
                json!({
                    "user": null, "team": Self::team_json(d, t), "invitation": null,
                    "roles": self.direct_member_roles(d, org, Subject::Team(t.id)),
                })
            }
            MemberKey::Invitation(i) => {
                let i = self.invitations.get(&i)?;
                json!({
                    "user": null, "team": null, "invitation": self.invitation_json(d, i, now),
                    "roles": self.direct_member_roles(d, org, Subject::Invitation(i.id)),
                })
            }
            MemberKey::SsoGroup => {
                let role = self
                    .role_of_org_by_name(org.id, ORG_MEMBER)
                    .and_then(|id| self.roles.get(&id))
                    .or_else(|| {
                        self.roles
                            .values()
                            .find(|r| r.organization_id == org.id && r.level == Level::Organization)
                    });
                let roles: Vec<Value> =
                    role.map(|r| Self::member_role_json(d, r, false)).into_iter().collect();
                json!({
                    "user": null, "team": null, "invitation": null,
                    "sso_group": {"id": sso_group_id(org.id), "name": "Engineering SSO group"},
                    "roles": roles,
                })
            }
        };
        Some(d.finish(row))
    }

    /// The organization's member rows in list order: users with a direct org-level role or in a team
    /// that holds one (by email), then teams holding one (by name), then (variant dialect) the row of a
    /// kind clients do not know, then pending invitations (by email).
    pub fn member_order(&self, d: Dialect, org: &Org, now: DateTime<Utc>) -> Vec<MemberKey> {
        let mut users: BTreeSet<Uuid> = BTreeSet::new();
        let mut teams = Vec::new();
        let mut invitations = Vec::new();
        for (subject, grants) in &org.grants {
            if !grants.iter().any(|g| self.is_org_level(g)) {
                continue;
            }
            match subject {
                Subject::User(u) => {
                    users.insert(*u);
                }
                Subject::Team(t) => {
                    if let Some(team) = self.teams.get(t) {
                        teams.push(team);
                        users.extend(team.members.iter().filter_map(|m| match m {
                            Subject::User(u) => Some(*u),
                            _ => None,
                        }));
                    }
                }
                Subject::Invitation(i) => {
                    if let Some(inv) = self.invitations.get(i) {
                        if inv.effective_status(now) == "pending" {
                            invitations.push(inv);
                        }
                    }
                }
            }
        }
        let mut user_rows: Vec<(&str, Uuid)> =
            users.iter().filter_map(|u| self.users.get(u)).map(|u| (u.email.as_str(), u.id)).collect();
        user_rows.sort_unstable();
        teams.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
        invitations.sort_by(|a, b| (&a.email, a.id).cmp(&(&b.email, b.id)));
        user_rows
            .into_iter()
            .map(|(_, u)| MemberKey::User(u))
            .chain(teams.into_iter().map(|t| MemberKey::Team(t.id)))
            .chain(d.is_variant().then_some(MemberKey::SsoGroup))
            .chain(invitations.into_iter().map(|i| MemberKey::Invitation(i.id)))
            .collect()
    }

    /// Whether a grant is an organization-level role of the organization (no workspace, no project).
    pub fn is_org_level(&self, g: &Grant) -> bool {
        g.workspace_id.is_none()
            && g.project_id.is_none()
            && self.roles.get(&g.role_id).is_some_and(|r| r.level == Level::Organization)
    }
}

/// One row of an organization's member list, in list order.
#[derive(Clone, Copy, Debug)]
pub enum MemberKey {
    User(Uuid),
    Team(Uuid),
    Invitation(Uuid),
    /// The row of a kind clients do not know (variant dialect): one per organization.
    SsoGroup,
}

/// The stable id of an organization's SSO group row (variant dialect).
pub fn sso_group_id(org_id: Uuid) -> Uuid {
    crate::demo::id("sso_group", &org_id.to_string())
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
