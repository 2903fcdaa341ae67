//! The lists the cache keeps and sync fetches, by name: what a sync state, a hidden list or a read's
//! age is about.

use serde::{Deserialize, Serialize};

/// A list the app keeps offline and refreshes from the server.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumCount,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Entity {
    /// The account's list of organizations.
    Organizations,
    /// One organization's own record (its name, description and plan).
    Organization,
    /// An organization's members: users, service accounts, teams and pending invitations.
    Members,
    /// An organization's invitations, of every status.
    Invitations,
    /// An organization's workspaces.
    Workspaces,
    /// An organization's teams.
    Teams,
    /// The roles defined in an organization.
    Roles,
}

impl Entity {
    /// Every entity, in the order declared.
    pub const ALL: [Entity; <Entity as strum::EnumCount>::COUNT] =
        match <Entity as strum::VariantArray>::VARIANTS.first_chunk() {
            Some(all) => *all,
            None => unreachable!(),
        };

    /// The entities one organization snapshot holds (all but the account-level list of organizations).
    pub const OF_ORG: [Entity; 6] = [
        Entity::Organization,
        Entity::Workspaces,
        Entity::Members,
        Entity::Invitations,
        Entity::Roles,
        Entity::Teams,
    ];

    /// The name as stored in the cache and as it appears on the wire (`"members"`, …).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The entity of a stored name; `None` for a name this build does not know.
    pub fn parse(s: &str) -> Option<Entity> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Entity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| format!("unknown list {s:?}"))
    }
}

/// The account's list of organizations (account-level).
pub const ORGANIZATIONS: Entity = Entity::Organizations;
/// One organization's own record.
pub const ORGANIZATION: Entity = Entity::Organization;
pub const WORKSPACES: Entity = Entity::Workspaces;
pub const MEMBERS: Entity = Entity::Members;
pub const INVITATIONS: Entity = Entity::Invitations;
pub const ROLES: Entity = Entity::Roles;
pub const TEAMS: Entity = Entity::Teams;
/// The entities one organization snapshot holds.
pub const OF_ORG: [Entity; 6] = Entity::OF_ORG;

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored names, the serde names and `parse` agree, and are the names stored before the enum.
    #[test]
    fn names_round_trip_and_match_the_stored_strings() {
        let stored =
            ["organizations", "organization", "members", "invitations", "workspaces", "teams", "roles"];
        for (e, name) in Entity::ALL.into_iter().zip(stored) {
            assert_eq!(e.as_str(), name);
            assert_eq!(Entity::parse(name), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), serde_json::json!(name));
            assert_eq!(serde_json::from_value::<Entity>(serde_json::json!(name)).unwrap(), e);
        }
        assert_eq!(Entity::parse("users"), None);
        assert!(!Entity::OF_ORG.contains(&Entity::Organizations));
    }
}
