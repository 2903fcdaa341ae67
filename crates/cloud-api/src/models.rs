//! Wire models of the ZenML Pro cloud API.
//!
//! Shapes marked [C] in the contract (`shared/docs/cloud-api.md`) are matched exactly; the others are
//! provisional, so every field the contract does not confirm is optional. Unknown fields are ignored
//! everywhere (serde's default), enums carry an `Other` variant for values this build does not know,
//! and datetimes are accepted with or without a UTC offset (the server emits naive UTC datetimes).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::secret::AccessToken;

/// Lenient datetime parsing: RFC 3339, or a naive ISO-8601 datetime taken as UTC.
pub mod datetime {
    use chrono::{DateTime, NaiveDateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Parses one datetime string.
    pub fn parse(s: &str) -> Option<DateTime<Utc>> {
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Some(dt.with_timezone(&Utc));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(naive.and_utc());
            }
        }
        None
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a datetime: {s:?}")))
    }

    pub fn serialize<S: Serializer>(dt: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&dt.to_rfc3339())
    }

    /// The same for optional fields; an unparseable value becomes `None` rather than an error.
    pub mod option {
        use super::*;

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
            let s: Option<String> = Option::deserialize(d)?;
            Ok(s.as_deref().and_then(parse))
        }

        pub fn serialize<S: Serializer>(dt: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
            match dt {
                Some(dt) => s.serialize_str(&dt.to_rfc3339()),
                None => s.serialize_none(),
            }
        }
    }
}

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant,)+
            /// A value this build does not know.
            #[serde(other)]
            Other,
        }

        impl $name {
            /// The value as the server spells it (`"other"` for unknown values).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other => "other",
                }
            }
        }
    };
}

open_enum!(
    /// Billing plan of an organization [P].
    Plan { Free = "free", Trial = "trial", Pro = "pro", Enterprise = "enterprise" }
);
open_enum!(
    /// Lifecycle status of a workspace [C].
    WorkspaceStatus {
        NotInitialized = "not_initialized",
        Pending = "pending",
        Available = "available",
        Failed = "failed",
        Deactivated = "deactivated",
        Deleted = "deleted",
    }
);
open_enum!(
    /// The scope a role applies to [C].
    RoleLevel { Organization = "organization", Workspace = "workspace", Project = "project" }
);
open_enum!(
    /// Status of an invitation [P].
    InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Revoked = "revoked",
        Expired = "expired",
    }
);

/// A user or service account [route C, shape P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub avatar_url: Option<String>,
    #[serde(default)]
    pub is_superuser: Option<bool>,
    #[serde(default)]
    pub is_service_account: Option<bool>,
    #[serde(default, with = "datetime::option")]
    pub created: Option<DateTime<Utc>>,
}

/// An organization [C: id, name, description, created, updated; the rest P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(with = "datetime")]
    pub created: DateTime<Utc>,
    #[serde(with = "datetime")]
    pub updated: DateTime<Utc>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub owner: Option<User>,
    #[serde(default)]
    pub has_active_subscription: Option<bool>,
    #[serde(default, with = "datetime::option")]
    pub trial_expiry: Option<DateTime<Utc>>,
    #[serde(default)]
    pub plan: Option<Plan>,
}

/// Body of `POST /organizations`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OrganizationCreate {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Body of `PATCH /organizations/{id}`: only the fields being changed are sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OrganizationUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
}

/// The role a member holds, as listed in a member row [P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRole {
    pub role_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub level: Option<RoleLevel>,
    #[serde(default)]
    pub via_team: bool,
}

/// One row of `GET /organizations/{id}/members` [P]: a user (or service account), a team, or a pending
/// invitation, with the roles it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub team: Option<Team>,
    #[serde(default)]
    pub invitation: Option<Invitation>,
    #[serde(default)]
    pub roles: Vec<MemberRole>,
}

/// The role an invitation grants [P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: Uuid,
    #[serde(default)]
    pub name: Option<String>,
}

/// An invitation [C: id, email; the rest P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    #[serde(default)]
    pub role: Option<RoleRef>,
    #[serde(default)]
    pub inviter: Option<User>,
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    #[serde(default, with = "datetime::option")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, with = "datetime::option")]
    pub expires: Option<DateTime<Utc>>,
}

/// Body of `POST /organizations/{id}/invitations` [C].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InvitationCreate {
    pub email: String,
    pub role_id: Uuid,
}

/// A role [C: id, name, level; the rest P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub id: Uuid,
    pub name: String,
    pub level: RoleLevel,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    #[serde(default)]
    pub system_managed: Option<bool>,
}

/// A team [C: id, name; the rest P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub member_count: Option<u64>,
    #[serde(default, with = "datetime::option")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, with = "datetime::option")]
    pub updated: Option<DateTime<Utc>>,
}

/// `zenml_service.configuration` of a workspace [C].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZenmlServiceConfiguration {
    #[serde(default)]
    pub version: Option<String>,
}

/// `zenml_service.status` of a workspace [C].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZenmlServiceStatus {
    #[serde(default)]
    pub server_url: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// The ZenML server behind a workspace [C].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZenmlService {
    #[serde(default)]
    pub configuration: Option<ZenmlServiceConfiguration>,
    #[serde(default)]
    pub status: Option<ZenmlServiceStatus>,
}

/// A workspace (formerly "tenant") [C].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub organization: Organization,
    #[serde(default)]
    pub desired_state: Option<WorkspaceStatus>,
    #[serde(default)]
    pub state_reason: Option<String>,
    pub status: WorkspaceStatus,
    #[serde(default)]
    pub zenml_service: Option<ZenmlService>,
}

impl Workspace {
    /// The server URL: `zenml_service.status.server_url`.
    pub fn server_url(&self) -> Option<&str> {
        self.zenml_service.as_ref()?.status.as_ref()?.server_url.as_deref()
    }

    /// The ZenML version: `status.version`, else `configuration.version`.
    pub fn version(&self) -> Option<&str> {
        let service = self.zenml_service.as_ref()?;
        service
            .status
            .as_ref()
            .and_then(|s| s.version.as_deref())
            .or_else(|| service.configuration.as_ref()?.version.as_deref())
    }
}

/// Body of `PATCH /workspaces/{id}`: only the fields being changed are sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WorkspaceUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired_state: Option<WorkspaceStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Response of `POST /auth/device_authorization` [C].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    #[serde(default)]
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    #[serde(default = "default_interval")]
    pub interval: u64,
}

fn default_interval() -> u64 {
    5
}

/// Response of `POST /auth/login` [C]. Holds the token, so it is neither `Serialize` nor printable.
#[derive(Clone, Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: AccessToken,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub device_id: Option<Uuid>,
    #[serde(default)]
    pub device_metadata: Option<serde_json::Value>,
}

impl TokenResponse {
    /// When to treat the token as expired, counted from `issued_at`: 30 s early when the lifetime is
    /// under an hour, else 5 % early (ZenML's own rule). `None` when the server gave no lifetime.
    pub fn expires_at(&self, issued_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let secs = self.expires_in? as i64;
        let margin = if secs < 3600 { 30 } else { secs / 20 };
        Some(issued_at + chrono::Duration::seconds((secs - margin).max(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_a_confirmed_organization_and_ignores_unknown_fields() {
        let org: Organization = serde_json::from_value(json!({
            "id": "5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f",
            "name": "acme",
            "description": null,
            "created": "2024-03-01T10:00:00.123456",
            "updated": "2024-03-02T10:00:00Z",
            "some_future_field": {"nested": [1, 2]}
        }))
        .unwrap();
        assert_eq!(org.name, "acme");
        assert_eq!(org.description, None);
        assert_eq!(org.created.to_rfc3339(), "2024-03-01T10:00:00.123456+00:00");
        assert_eq!(org.plan, None);
        assert_eq!(org.owner, None);
    }

    #[test]
    fn parses_provisional_organization_fields_and_unknown_plans() {
        let org: Organization = serde_json::from_value(json!({
            "id": "5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f", "name": "acme", "description": "ML",
            "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00",
            "plan": "platinum", "trial_expiry": "2025-01-01T00:00:00+02:00",
            "has_active_subscription": true,
            "owner": {"id": "11111111-2222-4333-8444-555555555555", "email": "o@example.com"}
        }))
        .unwrap();
        assert_eq!(org.plan, Some(Plan::Other));
        assert_eq!(org.trial_expiry.unwrap().to_rfc3339(), "2024-12-31T22:00:00+00:00");
        assert_eq!(org.owner.unwrap().email.as_deref(), Some("o@example.com"));
    }

    #[test]
    fn parses_a_workspace_with_nested_organization_and_service() {
        let ws: Workspace = serde_json::from_value(json!({
            "id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "name": "prod",
            "description": "production",
            "organization": {
                "id": "5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f", "name": "acme", "description": null,
                "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00"
            },
            "desired_state": "available",
            "state_reason": "",
            "status": "available",
            "zenml_service": {
                "configuration": {"version": "0.80.0", "admin": {}},
                "status": {"server_url": "https://ws.example.com", "version": null}
            }
        }))
        .unwrap();
        assert_eq!(ws.status, WorkspaceStatus::Available);
        assert_eq!(ws.organization.name, "acme");
        assert_eq!(ws.server_url(), Some("https://ws.example.com"));
        assert_eq!(ws.version(), Some("0.80.0"), "falls back to configuration.version");
    }

    #[test]
    fn workspace_statuses_cover_all_six_and_tolerate_null_service() {
        for s in ["not_initialized", "pending", "available", "failed", "deactivated", "deleted"] {
            let ws: Workspace = serde_json::from_value(json!({
                "id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "name": "w", "description": null,
                "organization": {"id": "5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f", "name": "a",
                    "description": null, "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00"},
                "desired_state": null, "state_reason": null, "status": s,
                "zenml_service": {"configuration": null, "status": null}
            }))
            .unwrap();
            assert_eq!(ws.status.as_str(), s);
            assert_eq!(ws.server_url(), None);
            assert_eq!(ws.version(), None);
        }
    }

    #[test]
    fn parses_a_token_response_and_computes_early_expiry() {
        let t: TokenResponse = serde_json::from_value(json!({
            "access_token": "secret-token", "token_type": "bearer", "expires_in": 3600,
            "refresh_token": null, "csrf_token": null, "scope": null,
            "device_id": "11111111-2222-4333-8444-555555555555", "device_metadata": {"os": "linux"},
            "unexpected": 1
        }))
        .unwrap();
        assert_eq!(t.access_token.expose(), "secret-token");
        assert!(t.device_id.is_some());
        let now = Utc::now();
        assert_eq!(t.expires_at(now), Some(now + chrono::Duration::seconds(3420)));
        let short: TokenResponse =
            serde_json::from_value(json!({"access_token": "x", "token_type": "bearer", "expires_in": 600}))
                .unwrap();
        assert_eq!(short.expires_at(now), Some(now + chrono::Duration::seconds(570)));
        assert!(!format!("{t:?}").contains("secret-token"));
    }

    #[test]
    fn parses_a_device_authorization_response() {
        let d: DeviceAuthorization = serde_json::from_value(json!({
            "device_code": "dc", "user_code": "ABCD-EFGH", "verification_uri": "/devices/verify",
            "verification_uri_complete": null, "expires_in": 300, "interval": 5
        }))
        .unwrap();
        assert_eq!(d.verification_uri, "/devices/verify");
        assert_eq!(d.verification_uri_complete, None);
        assert_eq!(d.interval, 5);
    }

    #[test]
    fn parses_member_rows_of_every_kind() {
        let rows: Vec<MemberRow> = serde_json::from_value(json!([
            {"user": {"id": "11111111-2222-4333-8444-555555555555", "email": "a@b.c", "is_service_account": false},
             "team": null, "invitation": null,
             "roles": [{"role_id": "11111111-2222-4333-8444-555555555556", "name": "Organization Admin", "level": "organization", "via_team": false}]},
            {"user": null, "team": {"id": "11111111-2222-4333-8444-555555555557", "name": "ml", "member_count": 3},
             "invitation": null, "roles": []},
            {"invitation": {"id": "11111111-2222-4333-8444-555555555558", "email": "new@b.c", "status": "pending",
              "role": {"id": "11111111-2222-4333-8444-555555555556", "name": "Organization Viewer"}}}
        ]))
        .unwrap();
        assert_eq!(rows[0].roles[0].level, Some(RoleLevel::Organization));
        assert_eq!(rows[1].team.as_ref().unwrap().member_count, Some(3));
        assert_eq!(rows[2].invitation.as_ref().unwrap().status, Some(InvitationStatus::Pending));
        assert!(rows[2].roles.is_empty());
    }

    #[test]
    fn partial_updates_send_only_changed_fields() {
        let u = OrganizationUpdate { description: Some("new".into()), ..Default::default() };
        assert_eq!(serde_json::to_value(&u).unwrap(), json!({"description": "new"}));
        let w = WorkspaceUpdate { desired_state: Some(WorkspaceStatus::Deactivated), ..Default::default() };
        assert_eq!(serde_json::to_value(&w).unwrap(), json!({"desired_state": "deactivated"}));
    }
}
