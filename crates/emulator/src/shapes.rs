//! The JSON shapes the API serves, dialect-aware: users, organizations, roles, teams, workspaces and
//! member rows (invitations in `invitations.rs`, service accounts and keys in `service_accounts.rs`,
//! assignments in `grants.rs`, token and device responses in `auth.rs`). The OpenAPI document infers
//! its schemas from these same functions.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::model::*;

impl Db {
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
