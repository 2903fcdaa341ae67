//! Invitations [C: id, email; the rest P], with the several roles and teams they carry since control
//! plane 0.13 (section 6 of the contract).
//!
//! The shape this project chose, and the emulator serves by default:
//! `{id, email, organization_id, role: {id, name}|null, roles: [{id, name, level, workspace_id}],
//! teams: [{id, name}], inviter, status, created, expires}`, where `role` is the organization role the
//! invitation was sent with and `roles` every role it carries (that one too), a workspace role with the
//! workspace it applies to. Read tolerantly: `role` or `roles` alone; a role as a bare id, as
//! `{role_id, ...}` or as `{role: {id, name}}`; a team as a bare id; no `teams` at all. What a role
//! entry leaves out (name, level) is filled in by the caller from the organization's roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::models::{datetime, InvitationStatus, RoleLevel, RoleRef, User, ROLE_REF_SPEC, USER_SPEC};
use crate::wire::{spec, ModelSpec, Obj, Scalar, Skip, Wire};

spec!(pub INVITATION_ROLE_SPEC, "invitation_role", ["id", "name", "level", "workspace_id"]
    alt ["role_id", "role" => ROLE_REF_SPEC]);

/// One role an invitation carries, and where it applies (`workspace_id`; none: the organization).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationRole {
    pub id: Uuid,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub level: Option<RoleLevel>,
    #[serde(default)]
    pub workspace_id: Option<Uuid>,
    /// The workspace's name. Not read from the server: filled in from the cached workspaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
}

impl InvitationRole {
    /// A role known only by its id.
    pub fn bare(id: Uuid) -> Self {
        Self { id, name: None, level: None, workspace_id: None, workspace_name: None }
    }

    /// Whether it applies to the whole organization: no workspace, and not a role of a lower level.
    pub fn is_organization_role(&self) -> bool {
        self.workspace_id.is_none() && self.level.is_none_or(|l| l == RoleLevel::Organization)
    }
}

impl From<&RoleRef> for InvitationRole {
    fn from(r: &RoleRef) -> Self {
        Self { name: r.name.clone(), ..Self::bare(r.id) }
    }
}

impl Wire for InvitationRole {
    fn spec() -> &'static ModelSpec {
        &INVITATION_ROLE_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let (id, nested_name) = match o.opt::<Uuid>("id").or_else(|| o.opt("role_id")) {
            Some(id) => (id, None),
            None => match o.nested::<RoleRef>("role") {
                Some(r) => (r.id, r.name),
                None => return Err(Skip("it names no role")),
            },
        };
        Ok(Self {
            id,
            name: o.opt("name").or(nested_name),
            level: o.opt("level"),
            workspace_id: o.opt("workspace_id"),
            workspace_name: None,
        })
    }
}

spec!(pub TEAM_REF_SPEC, "team_ref", ["id", "name"]);

/// A team an invitation makes its person a member of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRef {
    pub id: Uuid,
    /// Absent when the server sent only the id (filled in from the cached teams).
    #[serde(default)]
    pub name: Option<String>,
}

impl Wire for TeamRef {
    fn spec() -> &'static ModelSpec {
        &TEAM_REF_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { id: o.req("id", "it has no id")?, name: o.opt("name") })
    }
}

spec!(pub INVITATION_SPEC, "invitation", [
    "id", "email", "organization_id", "role" => ROLE_REF_SPEC, "inviter" => USER_SPEC, "status", "created",
    "expires",
] alt ["roles" => INVITATION_ROLE_SPEC, "teams" => TEAM_REF_SPEC]);

/// An invitation [C: id, email; the rest P]. `roles` holds every role it carries (the organization
/// role it was sent with first, then any other, workspace roles with their workspace); `role` is the
/// organization role alone, as older servers send it. `teams`: the teams it makes its person join.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    #[serde(default)]
    pub role: Option<RoleRef>,
    #[serde(default)]
    pub roles: Vec<InvitationRole>,
    #[serde(default)]
    pub teams: Vec<TeamRef>,
    #[serde(default)]
    pub inviter: Option<User>,
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    #[serde(default, with = "datetime::option")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, with = "datetime::option")]
    pub expires: Option<DateTime<Utc>>,
}

impl Invitation {
    /// Every role of the invitation: `roles`, else the single `role`.
    pub fn all_roles(&self) -> Vec<InvitationRole> {
        if self.roles.is_empty() {
            self.role.iter().map(InvitationRole::from).collect()
        } else {
            self.roles.clone()
        }
    }

    /// Its roles on the whole organization (the one it was sent with first).
    pub fn organization_roles(&self) -> Vec<InvitationRole> {
        self.all_roles().into_iter().filter(InvitationRole::is_organization_role).collect()
    }

    /// Its roles beyond the organization role it was sent with: workspace roles, and any other
    /// organization role.
    pub fn extra_roles(&self) -> Vec<InvitationRole> {
        let main = self.role.as_ref().map(|r| r.id);
        self.all_roles().into_iter().filter(|r| !(Some(r.id) == main && r.workspace_id.is_none())).collect()
    }

    /// Its workspace roles (those naming a workspace).
    pub fn workspace_roles(&self) -> Vec<InvitationRole> {
        self.all_roles().into_iter().filter(|r| r.workspace_id.is_some()).collect()
    }
}

/// A role reference as an object `{id, name}` or a bare id.
fn role_ref(o: &mut Obj<'_>, key: &'static str) -> Option<RoleRef> {
    match o.raw(key)? {
        Value::Object(_) => o.nested(key),
        v => match Uuid::from_json(&v) {
            Some(id) => Some(RoleRef { id, name: None }),
            None => {
                o.note_mistyped(key);
                None
            }
        },
    }
}

/// A list whose items are records or bare ids; unreadable items are left out and the field noted.
fn list_or_ids<T: Wire>(o: &mut Obj<'_>, key: &'static str, from_id: fn(Uuid) -> T) -> Vec<T> {
    let mut out = Vec::new();
    match o.raw(key) {
        None => {}
        Some(Value::Array(items)) => {
            let mut bad = false;
            for item in &items {
                let read = match item {
                    Value::String(_) => Uuid::from_json(item).map(from_id),
                    other => o.read_value::<T>(other).ok(),
                };
                match read {
                    Some(x) => out.push(x),
                    None => bad = true,
                }
            }
            if bad {
                o.note_mistyped(key);
            }
        }
        Some(_) => o.note_mistyped(key),
    }
    out
}

impl Wire for Invitation {
    fn spec() -> &'static ModelSpec {
        &INVITATION_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let id = o.req("id", "it has no id")?;
        let email = o.req("email", "it has no email address")?;
        let role = role_ref(o, "role");
        let mut roles: Vec<InvitationRole> = list_or_ids(o, "roles", InvitationRole::bare);
        let mut teams: Vec<TeamRef> = list_or_ids(o, "teams", |id| TeamRef { id, name: None });
        let mut seen = std::collections::HashSet::new();
        roles.retain(|r| seen.insert((r.id, r.workspace_id)));
        let mut seen = std::collections::HashSet::new();
        teams.retain(|t| seen.insert(t.id));
        // `role` is the first organization role of `roles` when only the list came, and is in the
        // list (first) when it came alone or the list left it out.
        let role = role.or_else(|| {
            roles
                .iter()
                .find(|r| r.is_organization_role())
                .map(|r| RoleRef { id: r.id, name: r.name.clone() })
        });
        if let Some(r) = &role {
            match roles.iter().position(|x| x.id == r.id && x.workspace_id.is_none()) {
                Some(i) => {
                    let mut own = roles.remove(i);
                    own.name = own.name.or_else(|| r.name.clone());
                    roles.insert(0, own);
                }
                None => roles.insert(0, InvitationRole::from(r)),
            }
        }
        Ok(Self {
            id,
            email,
            organization_id: o.opt("organization_id"),
            role,
            roles,
            teams,
            inviter: o.nested("inviter"),
            status: o.opt("status"),
            created: o.opt("created"),
            expires: o.opt("expires"),
        })
    }
}

/// Body of `POST /organizations/{id}/invitations` [C]. Workspace roles and teams are attached to the
/// invitation afterwards (`POST /roles/{id}/assignments?invitation_id=`, `POST /teams/{id}/members?
/// invitation_id=`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InvitationCreate {
    pub email: String,
    pub role_id: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{read_one, ReadNotes};
    use serde_json::json;

    fn read(v: Value) -> (Invitation, ReadNotes) {
        let mut notes = ReadNotes::default();
        let x = read_one::<Invitation>(&v, &mut notes).expect("readable");
        (x, notes)
    }

    const U1: &str = "11111111-2222-4333-8444-555555555555";
    const R1: &str = "11111111-2222-4333-8444-555555555556";
    const R2: &str = "11111111-2222-4333-8444-55555555555a";
    const W1: &str = "11111111-2222-4333-8444-55555555555b";
    const T1: &str = "11111111-2222-4333-8444-55555555555c";

    /// Section 6: invitations with `roles` instead of (or beside) `role`, and statuses beyond the five.
    #[test]
    fn invitations_with_several_roles_or_one() {
        let (only_list, _) = read(json!({
            "id": U1, "email": "a@b.c", "roles": [{"id": R1, "name": "Organization Viewer"}, R2],
            "status": "awaiting_sso"
        }));
        assert_eq!(only_list.role.as_ref().map(|r| r.id.to_string()), Some(R1.to_owned()));
        assert_eq!(only_list.roles.len(), 2);
        assert_eq!(only_list.roles[1].name, None);
        assert_eq!(only_list.status, Some(InvitationStatus::Other));
        let (only_one, _) =
            read(json!({"id": U1, "email": "a@b.c", "role": {"id": R1, "name": "Organization Admin"}}));
        assert_eq!(only_one.all_roles(), only_one.roles);
        assert_eq!(only_one.roles.len(), 1);
        assert!(only_one.teams.is_empty() && only_one.extra_roles().is_empty());
        let (role_as_id, _) = read(json!({"id": U1, "email": "a@b.c", "role": R1}));
        assert_eq!(role_as_id.role.unwrap().id.to_string(), R1);
        let mut notes = ReadNotes::default();
        assert!(read_one::<Invitation>(&json!({"id": U1}), &mut notes).is_err(), "no email, no invitation");
    }

    /// The project's shape: the organization role, a workspace role with its workspace, and teams.
    #[test]
    fn workspace_roles_and_teams_are_read() {
        let (inv, notes) = read(json!({
            "id": U1, "email": "a@b.c", "role": {"id": R1, "name": "Organization Member"},
            "roles": [
                {"id": R1, "name": "Organization Member", "level": "organization", "workspace_id": null},
                {"id": R2, "name": "Workspace Developer", "level": "workspace", "workspace_id": W1}
            ],
            "teams": [{"id": T1, "name": "platform"}]
        }));
        assert!(notes.is_clean() && notes.unknown.is_empty(), "{notes:?}");
        assert_eq!(inv.roles.len(), 2);
        assert_eq!(inv.organization_roles().len(), 1);
        let ws = inv.workspace_roles();
        assert_eq!(ws[0].workspace_id.unwrap().to_string(), W1);
        assert_eq!(ws[0].level, Some(RoleLevel::Workspace));
        assert_eq!(inv.extra_roles(), ws, "the organization role it was sent with is not extra");
        assert_eq!(inv.teams, vec![TeamRef { id: T1.parse().unwrap(), name: Some("platform".into()) }]);
    }

    /// The variant's shape: no `role`; roles as `{id, name}`, `{role_id, workspace_id}` or bare ids;
    /// teams as bare ids. Unreadable entries are left out and noted; the record still reads.
    #[test]
    fn the_variant_shape_and_misshapen_entries_are_tolerated() {
        let (inv, notes) = read(json!({
            "id": U1, "email": "a@b.c",
            "roles": [{"id": R1, "name": "Organization Member"}, {"role_id": R2, "workspace_id": W1},
                      {"role": {"id": R2}, "workspace_id": W1}, 7, {"workspace_id": W1}],
            "teams": [T1, {"id": T1}, "not-an-id"]
        }));
        assert_eq!(inv.role.as_ref().unwrap().name.as_deref(), Some("Organization Member"));
        assert_eq!(inv.roles.len(), 2, "the duplicate and the unreadable entries are left out");
        assert_eq!(
            (inv.roles[1].name.as_deref(), inv.roles[1].workspace_id.map(|w| w.to_string())),
            (None, Some(W1.to_owned()))
        );
        assert_eq!(inv.teams.len(), 1);
        assert_eq!(inv.teams[0].name, None);
        assert!(notes.mistyped.contains("invitation.roles") && notes.mistyped.contains("invitation.teams"));
        let (odd, notes) = read(json!({"id": U1, "email": "a@b.c", "roles": "all", "teams": {"x": 1}}));
        assert!(odd.roles.is_empty() && odd.teams.is_empty() && odd.role.is_none());
        assert_eq!(notes.mistyped.len(), 2);
    }

    /// What an earlier build cached (`roles` as `{id, name}`, no teams) still deserializes.
    #[test]
    fn an_invitation_cached_by_an_earlier_build_still_deserializes() {
        let inv: Invitation = serde_json::from_value(json!({
            "id": U1, "email": "a@b.c", "role": {"id": R1, "name": "x"}, "roles": [{"id": R1, "name": "x"}],
            "created": "2024-01-01T00:00:00+00:00"
        }))
        .unwrap();
        assert_eq!(inv.roles[0].workspace_id, None);
        assert!(inv.teams.is_empty());
        let back: Invitation = serde_json::from_value(serde_json::to_value(&inv).unwrap()).unwrap();
        assert_eq!(back, inv);
    }
}
