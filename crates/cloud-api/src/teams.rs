//! Team routes beyond the list and the membership changes in [`crate::api`]: create, read, rename or
//! re-describe, delete, and a team's member list; and the read-only service-account list.
//!
//! Shapes [P]: a team member row is `{user: User|null, invitation: Invitation|null}` (a row with
//! neither is skipped and counted); a service account is read from the user shape plus the optional
//! `active` (or `is_active`), `last_login` and `api_key_count` (or `key_count`).

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::client::{ApiClient, Call, Page};
use crate::error::Result;
use crate::models::{Invitation, Team, User, INVITATION_SPEC, USER_SPEC};
use crate::secret::AccessToken;
use crate::wire::{spec, Listing, ModelSpec, Obj, Skip, Wire};

/// Body of `POST /teams` [S]: `{name, description?, organization_id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamCreate {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub organization_id: Uuid,
}

/// Body of `PATCH /teams/{id}`: only the fields being changed are sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TeamUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

spec!(pub TEAM_MEMBER_SPEC, "team_member", ["user" => USER_SPEC, "invitation" => INVITATION_SPEC]);

/// One member of a team: a user, or a pending invitation [P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMemberRow {
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub invitation: Option<Invitation>,
}

impl TeamMemberRow {
    /// The member's email, if known.
    pub fn email(&self) -> Option<&str> {
        self.user
            .as_ref()
            .and_then(|u| u.email.as_deref())
            .or_else(|| self.invitation.as_ref().map(|i| i.email.as_str()))
    }
}

impl Wire for TeamMemberRow {
    fn spec() -> &'static ModelSpec {
        &TEAM_MEMBER_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let user = o.nested::<User>("user");
        let invitation = o.nested::<Invitation>("invitation");
        if user.is_some() || invitation.is_some() {
            return Ok(Self { user, invitation });
        }
        Err(Skip("it is not a user or invitation this app knows"))
    }
}

spec!(pub SERVICE_ACCOUNT_SPEC, "service_account", [
    "id", "name", "username", "email", "description", "is_active", "last_login", "created", "api_key_count",
] alt ["active", "key_count"]);

/// A service account of an organization [P, low confidence: read-only].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceAccount {
    pub id: Uuid,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default, with = "crate::models::datetime::option")]
    pub last_login: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::models::datetime::option")]
    pub created: Option<DateTime<Utc>>,
    /// How many API keys it has (`api_key_count`, or `key_count`), when the server says.
    #[serde(default)]
    pub key_count: Option<u64>,
}

impl Wire for ServiceAccount {
    fn spec() -> &'static ModelSpec {
        &SERVICE_ACCOUNT_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let active = o.opt("active");
        Ok(Self {
            id: o.req("id", "it has no id")?,
            name: o.opt("name"),
            username: o.opt("username"),
            email: o.opt("email"),
            description: o.opt("description"),
            active: active.or_else(|| o.opt("is_active")),
            last_login: o.opt("last_login"),
            created: o.opt("created"),
            key_count: o.opt::<u64>("api_key_count").or_else(|| o.opt("key_count")),
        })
    }
}

impl ApiClient {
    /// `POST /teams`.
    pub async fn create_team(&self, token: &AccessToken, create: &TeamCreate) -> Result<Team> {
        let call = Call::new(Method::POST, &["teams"]).token(token).json(create)?;
        Ok(self.send_wire::<Team>(call).await?.0)
    }

    /// `GET /teams/{team_id}`.
    pub async fn get_team(&self, token: &AccessToken, team_id: Uuid) -> Result<Team> {
        let call = Call::new(Method::GET, &["teams", &team_id.to_string()]).token(token);
        Ok(self.send_wire::<Team>(call).await?.0)
    }

    /// `PATCH /teams/{team_id}` with only the changed fields.
    pub async fn update_team(&self, token: &AccessToken, team_id: Uuid, update: &TeamUpdate) -> Result<Team> {
        let call = Call::new(Method::PATCH, &["teams", &team_id.to_string()]).token(token).json(update)?;
        Ok(self.send_wire::<Team>(call).await?.0)
    }

    /// `DELETE /teams/{team_id}`.
    pub async fn delete_team(&self, token: &AccessToken, team_id: Uuid) -> Result<()> {
        self.send_unit(Call::new(Method::DELETE, &["teams", &team_id.to_string()]).token(token)).await
    }

    /// `GET /teams/{team_id}/members`: one page.
    pub async fn list_team_members(
        &self,
        token: &AccessToken,
        team_id: Uuid,
        page: Page,
    ) -> Result<Listing<TeamMemberRow>> {
        let call =
            Call::new(Method::GET, &["teams", &team_id.to_string(), "members"]).token(token).page(page);
        self.page(call).await
    }

    /// Every member of a team.
    pub async fn all_team_members(
        &self,
        token: &AccessToken,
        team_id: Uuid,
    ) -> Result<Listing<TeamMemberRow>> {
        let team = team_id.to_string();
        self.all(|p| Call::new(Method::GET, &["teams", &team, "members"]).token(token).page(p)).await
    }

    /// Every service account of an organization, in the service-account shape.
    pub async fn all_service_accounts(
        &self,
        token: &AccessToken,
        org_id: Uuid,
    ) -> Result<Listing<ServiceAccount>> {
        let org = org_id.to_string();
        self.all(|p| {
            Call::new(Method::GET, &["organizations", &org, "service_accounts"]).token(token).page(p)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn team_member_rows_are_read_tolerantly() {
        let rows = json!([
            {"user": {"id": "11111111-2222-4333-8444-555555555551", "email": "a@x.example"}, "invitation": null},
            {"invitation": {"id": "11111111-2222-4333-8444-555555555552", "email": "b@x.example", "status": "pending"}},
            {"user": {"id": "11111111-2222-4333-8444-555555555553", "email": "c@x.example"}, "x": 1},
            {"sso_group": {"id": "11111111-2222-4333-8444-555555555554"}},
            "not an object",
        ]);
        let listing = Listing::<TeamMemberRow>::read(rows.as_array().unwrap());
        let emails: Vec<_> = listing.items.iter().map(|r| r.email().unwrap_or("-")).collect();
        assert_eq!(emails, ["a@x.example", "b@x.example", "c@x.example"]);
        assert!(listing.items[1].invitation.is_some());
        assert!(listing.items[2].user.is_some());
        assert_eq!(listing.notes.skipped, 2);
    }

    #[test]
    fn service_accounts_read_active_either_way() {
        let rows = json!([
            {"id": "11111111-2222-4333-8444-555555555551", "name": "ci", "active": true,
             "last_login": "2024-01-02T03:04:05Z"},
            {"id": "11111111-2222-4333-8444-555555555552", "username": "bot", "is_active": false},
            {"id": 7, "name": "no id"},
        ]);
        let listing = Listing::<ServiceAccount>::read(rows.as_array().unwrap());
        assert_eq!(listing.items.len(), 2);
        assert_eq!(listing.items[0].active, Some(true));
        assert!(listing.items[0].last_login.is_some());
        assert_eq!(listing.items[1].active, Some(false));
        assert_eq!(listing.notes.skipped, 1);
    }

    #[test]
    fn team_bodies_are_written_exactly() {
        let org = Uuid::from_u128(1);
        let create = TeamCreate { name: "ops".into(), description: None, organization_id: org };
        assert_eq!(serde_json::to_value(&create).unwrap(), json!({"name": "ops", "organization_id": org}));
        let update = TeamUpdate { description: Some("d".into()), ..Default::default() };
        assert_eq!(serde_json::to_value(&update).unwrap(), json!({"description": "d"}));
    }
}
