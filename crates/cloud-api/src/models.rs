//! Wire models of the ZenML Pro cloud API.
//!
//! Records are read from the wire tolerantly (see [`crate::wire`]): each model implements [`Wire`],
//! reading field by field, so a field of the wrong shape is absent rather than an error, unknown fields
//! are noted and ignored, and a record without its id is skipped. Enums carry an `Other` variant for
//! values this build does not know; datetimes are ISO text with or without an offset, or epoch seconds.
//!
//! The serde derives are this app's own format (the cache keeps records as serde JSON); they are not
//! used to read the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub use crate::invitations::*;
use crate::secret::AccessToken;
use crate::wire::{spec, ModelSpec, Obj, Scalar, Skip, Wire};

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

            /// Reads the server's spelling in any letter case; unknown values are `Other`.
            pub fn parse(s: &str) -> Self {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($wire => Self::$variant,)+
                    _ => Self::Other,
                }
            }
        }

        impl Scalar for $name {
            /// A string: a value this build does not know is `Other`, not an error; anything but a
            /// string cannot be read.
            fn from_json(v: &Value) -> Option<Self> {
                v.as_str().map(Self::parse)
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

spec!(pub USER_SPEC, "user", [
    "id", "username", "email", "name", "avatar_url", "is_superuser", "is_service_account", "created",
    "is_active", "organization_id",
]);

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
    /// `false` for a deactivated user or service account [D: `/users/me`]; deactivated users have
    /// been seen to keep their permissions (contract, section 6).
    #[serde(default)]
    pub is_active: Option<bool>,
    /// For a service account, the one organization it belongs to [D: `/users/me`].
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

impl User {
    /// A user known only by id (an `owner` sent as an id, say).
    pub fn with_id(id: Uuid) -> Self {
        Self {
            id,
            username: None,
            email: None,
            name: None,
            avatar_url: None,
            is_superuser: None,
            is_service_account: None,
            created: None,
            is_active: None,
            organization_id: None,
        }
    }
}

impl Wire for User {
    fn spec() -> &'static ModelSpec {
        &USER_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self {
            id: o.req("id", "it has no id")?,
            username: o.opt("username"),
            email: o.opt("email"),
            name: o.opt("name"),
            avatar_url: o.opt("avatar_url"),
            is_superuser: o.opt("is_superuser"),
            is_service_account: o.opt("is_service_account"),
            created: o.opt("created"),
            is_active: o.opt("is_active"),
            organization_id: o.opt("organization_id"),
        })
    }
}

spec!(pub ORGANIZATION_SPEC, "organization", [
    "id", "name", "description", "created", "updated", "display_name", "logo_url", "owner" => USER_SPEC,
    "has_active_subscription", "trial_expiry", "plan",
]);

/// An organization [C: id, name, description, created, updated; the rest P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, with = "datetime::option")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, with = "datetime::option")]
    pub updated: Option<DateTime<Utc>>,
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

impl Wire for Organization {
    fn spec() -> &'static ModelSpec {
        &ORGANIZATION_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let id: Uuid = o.req("id", "it has no id")?;
        let name = o.opt("name").unwrap_or_else(|| {
            o.note_mistyped("name");
            id.to_string()
        });
        // The owner as a user record, or only its id.
        let owner = match o.raw("owner") {
            Some(Value::Object(_)) => o.nested("owner"),
            Some(v @ Value::String(_)) => Uuid::from_json(&v).map(User::with_id).or_else(|| {
                o.note_mistyped("owner");
                None
            }),
            Some(_) => {
                o.note_mistyped("owner");
                None
            }
            None => None,
        };
        Ok(Self {
            id,
            name,
            description: o.opt("description"),
            created: o.opt("created"),
            updated: o.opt("updated"),
            display_name: o.opt("display_name"),
            logo_url: o.opt("logo_url"),
            owner,
            has_active_subscription: o.opt("has_active_subscription"),
            trial_expiry: o.opt("trial_expiry"),
            plan: o.opt("plan"),
        })
    }
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

spec!(pub MEMBER_ROLE_SPEC, "member_role", ["role_id", "name", "level", "via_team"] alt ["role" => ROLE_REF_SPEC]);

/// The role a member holds, as listed in a member row [P]. The server may leave out the name (section
/// 6): sync fills it in from the organization's roles by `role_id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRole {
    pub role_id: Uuid,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub level: Option<RoleLevel>,
    #[serde(default)]
    pub via_team: bool,
}

impl MemberRole {
    /// The role's name, else its id.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.role_id.to_string())
    }
}

impl Wire for MemberRole {
    fn spec() -> &'static ModelSpec {
        &MEMBER_ROLE_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        // `role_id` with the name beside it, or a nested `role: {id, name}`.
        let (role_id, nested_name) = match o.opt::<Uuid>("role_id") {
            Some(id) => (id, None),
            None => match o.nested::<RoleRef>("role") {
                Some(r) => (r.id, r.name),
                None => return Err(Skip("it names no role")),
            },
        };
        Ok(Self {
            role_id,
            name: o.opt("name").or(nested_name),
            level: o.opt("level"),
            via_team: o.opt("via_team").unwrap_or(false),
        })
    }
}

spec!(pub MEMBER_ROW_SPEC, "member_row", [
    "user" => USER_SPEC, "team" => TEAM_SPEC, "invitation" => INVITATION_SPEC, "roles" => MEMBER_ROLE_SPEC,
] alt ["service_account" => USER_SPEC]);

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

impl Wire for MemberRow {
    fn spec() -> &'static ModelSpec {
        &MEMBER_ROW_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let user = o.nested::<User>("user").or_else(|| {
            // A service account under a key of its own.
            o.nested::<User>("service_account").map(|mut u| {
                u.is_service_account = Some(true);
                u
            })
        });
        let team = o.nested("team");
        let invitation = o.nested("invitation");
        if user.is_none() && team.is_none() && invitation.is_none() {
            return Err(Skip("it is not a user, service account, team or invitation this app knows"));
        }
        Ok(Self { user, team, invitation, roles: o.list("roles") })
    }
}

spec!(pub ROLE_REF_SPEC, "role_ref", ["id", "name"]);

/// A role an invitation grants [P].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: Uuid,
    #[serde(default)]
    pub name: Option<String>,
}

impl Wire for RoleRef {
    fn spec() -> &'static ModelSpec {
        &ROLE_REF_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { id: o.req("id", "it has no id")?, name: o.opt("name") })
    }
}

spec!(pub ROLE_SPEC, "role", ["id", "name", "description", "level", "organization_id", "system_managed"]);

/// A role [C: id, name; `level` confirmed only as a query filter, so it may be absent here: sync asks
/// with `?level=` to classify such roles].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub level: Option<RoleLevel>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    #[serde(default)]
    pub system_managed: Option<bool>,
}

impl Wire for Role {
    fn spec() -> &'static ModelSpec {
        &ROLE_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self {
            id: o.req("id", "it has no id")?,
            name: o.req("name", "it has no name")?,
            level: o.opt("level"),
            description: o.opt("description"),
            organization_id: o.opt("organization_id"),
            system_managed: o.opt("system_managed"),
        })
    }
}

spec!(pub TEAM_SPEC, "team", ["id", "name", "description", "member_count", "created", "updated"]);

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

impl Wire for Team {
    fn spec() -> &'static ModelSpec {
        &TEAM_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self {
            id: o.req("id", "it has no id")?,
            name: o.req("name", "it has no name")?,
            description: o.opt("description"),
            member_count: o.opt("member_count"),
            created: o.opt("created"),
            updated: o.opt("updated"),
        })
    }
}

spec!(pub ZENML_SERVICE_CONFIGURATION_SPEC, "zenml_service.configuration", ["version"]);
spec!(pub ZENML_SERVICE_STATUS_SPEC, "zenml_service.status", ["server_url", "version"]);
spec!(pub ZENML_SERVICE_SPEC, "zenml_service", [
    "configuration" => ZENML_SERVICE_CONFIGURATION_SPEC, "status" => ZENML_SERVICE_STATUS_SPEC,
]);

/// `zenml_service.configuration` of a workspace [C].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZenmlServiceConfiguration {
    #[serde(default)]
    pub version: Option<String>,
}

impl Wire for ZenmlServiceConfiguration {
    fn spec() -> &'static ModelSpec {
        &ZENML_SERVICE_CONFIGURATION_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { version: o.opt("version") })
    }
}

/// `zenml_service.status` of a workspace [C].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZenmlServiceStatus {
    #[serde(default)]
    pub server_url: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

impl Wire for ZenmlServiceStatus {
    fn spec() -> &'static ModelSpec {
        &ZENML_SERVICE_STATUS_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { server_url: o.opt("server_url"), version: o.opt("version") })
    }
}

/// The ZenML server behind a workspace [C].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZenmlService {
    #[serde(default)]
    pub configuration: Option<ZenmlServiceConfiguration>,
    #[serde(default)]
    pub status: Option<ZenmlServiceStatus>,
}

impl Wire for ZenmlService {
    fn spec() -> &'static ModelSpec {
        &ZENML_SERVICE_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { configuration: o.nested("configuration"), status: o.nested("status") })
    }
}

spec!(pub KITARU_SERVICE_STATUS_SPEC, "kitaru_service.status", ["server_url"]);
spec!(pub KITARU_SERVICE_SPEC, "kitaru_service", ["status" => KITARU_SERVICE_STATUS_SPEC]);

/// `kitaru_service.status` of a Kitaru workspace [O].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KitaruServiceStatus {
    #[serde(default)]
    pub server_url: Option<String>,
}

impl Wire for KitaruServiceStatus {
    fn spec() -> &'static ModelSpec {
        &KITARU_SERVICE_STATUS_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { server_url: o.opt("server_url") })
    }
}

/// The Kitaru server behind a Kitaru workspace [O]. Only its status is read: its `configuration`
/// (the `admin` it was created with) is never read, so never kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KitaruService {
    #[serde(default)]
    pub status: Option<KitaruServiceStatus>,
}

impl Wire for KitaruService {
    fn spec() -> &'static ModelSpec {
        &KITARU_SERVICE_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        Ok(Self { status: o.nested("status") })
    }
}

/// What kind of workspace it is, from its `workspace_type` [O]: ZenML's (`"zenml"`, or no type at
/// all), Kitaru's (`"kitaru"`), or a type this build does not know, kept as the server's text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum WorkspaceKind {
    Zenml,
    Kitaru,
    /// The server's text, trimmed (never empty).
    Other(String),
}

impl WorkspaceKind {
    /// The kind of a `workspace_type` as the server sent it: no value, an empty one and `zenml` are
    /// ZenML's; `kitaru` (in any letter case) is Kitaru's; anything else is kept as text.
    pub fn of(workspace_type: Option<&str>) -> Self {
        let t = workspace_type.map(str::trim).unwrap_or_default();
        if t.is_empty() || t.eq_ignore_ascii_case("zenml") {
            Self::Zenml
        } else if t.eq_ignore_ascii_case("kitaru") {
            Self::Kitaru
        } else {
            Self::Other(t.to_owned())
        }
    }

    /// `zenml`, `kitaru`, or the unknown type's text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Zenml => "zenml",
            Self::Kitaru => "kitaru",
            Self::Other(t) => t,
        }
    }

    /// How the kind is named to people: `ZenML`, `Kitaru`, or the unknown type's text.
    pub fn label(&self) -> &str {
        match self {
            Self::Zenml => "ZenML",
            Self::Kitaru => "Kitaru",
            Self::Other(t) => t,
        }
    }
}

spec!(pub WORKSPACE_SPEC, "workspace", [
    "id", "name", "display_name", "description", "organization" => ORGANIZATION_SPEC, "desired_state",
    "state_reason", "status", "zenml_service" => ZENML_SERVICE_SPEC, "workspace_type",
    "kitaru_service" => KITARU_SERVICE_SPEC,
]);

/// A workspace (formerly "tenant") [C].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The organization, nested whole [C]; absent when it could not be read.
    #[serde(default)]
    pub organization: Option<Organization>,
    #[serde(default)]
    pub desired_state: Option<WorkspaceStatus>,
    #[serde(default)]
    pub state_reason: Option<String>,
    /// `Other` when the server sent none or one this build does not know.
    pub status: WorkspaceStatus,
    #[serde(default)]
    pub zenml_service: Option<ZenmlService>,
    /// `workspace_type` as the server sent it [O]; see [`Workspace::kind`].
    #[serde(default)]
    pub workspace_type: Option<String>,
    /// The Kitaru server, on a Kitaru workspace [O].
    #[serde(default)]
    pub kitaru_service: Option<KitaruService>,
}

impl Wire for Workspace {
    fn spec() -> &'static ModelSpec {
        &WORKSPACE_SPEC
    }

    fn read(o: &mut Obj<'_>) -> Result<Self, Skip> {
        let id = o.req("id", "it has no id")?;
        let name = o.req("name", "it has no name")?;
        let status = o.opt("status").unwrap_or_else(|| {
            o.note_mistyped("status");
            WorkspaceStatus::Other
        });
        Ok(Self {
            id,
            name,
            display_name: o.opt("display_name"),
            description: o.opt("description"),
            organization: o.nested("organization"),
            desired_state: o.opt("desired_state"),
            state_reason: o.opt("state_reason"),
            status,
            zenml_service: o.nested("zenml_service"),
            workspace_type: o.opt("workspace_type"),
            kitaru_service: o.nested("kitaru_service"),
        })
    }
}

impl Workspace {
    /// What kind of workspace it is (ZenML's when the server gives no type).
    pub fn kind(&self) -> WorkspaceKind {
        WorkspaceKind::of(self.workspace_type.as_deref())
    }

    /// The server URL, from whichever service the workspace has: its own kind's first
    /// (`kitaru_service.status.server_url` on a Kitaru workspace), else the other one's.
    pub fn server_url(&self) -> Option<&str> {
        let zenml = self.zenml_service.as_ref().and_then(|s| s.status.as_ref()?.server_url.as_deref());
        let kitaru = self.kitaru_service.as_ref().and_then(|s| s.status.as_ref()?.server_url.as_deref());
        let (zenml, kitaru) =
            (zenml.filter(|u| !u.trim().is_empty()), kitaru.filter(|u| !u.trim().is_empty()));
        match self.kind() {
            WorkspaceKind::Kitaru => kitaru.or(zenml),
            _ => zenml.or(kitaru),
        }
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
    /// A new name (renaming exists since control plane 0.12.8; the field is this project's guess).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired_state: Option<WorkspaceStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Longest lifetime or wait this client believes from a server (a day for waits, ten years for a
/// token): larger numbers are clamped rather than trusted, so no arithmetic on them can overflow.
pub const MAX_TOKEN_LIFETIME_SECS: u64 = 10 * 365 * 24 * 3600;

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
    #[serde(default, deserialize_with = "lenient_u64")]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "lenient_uuid")]
    pub device_id: Option<Uuid>,
    #[serde(default)]
    pub device_metadata: Option<serde_json::Value>,
}

/// An optional count that reads as absent when it is not a non-negative integer.
fn lenient_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(u64::from_json(&v))
}

/// An optional id that reads as absent when it is not a UUID.
fn lenient_uuid<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(Uuid::from_json(&v))
}

impl TokenResponse {
    /// When to treat the token as expired, counted from `issued_at`: 30 s early when the lifetime is
    /// under an hour, else 5 % early (ZenML's own rule). `None` when the server gave no lifetime. A
    /// lifetime beyond [`MAX_TOKEN_LIFETIME_SECS`] is taken as that.
    pub fn expires_at(&self, issued_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let secs = self.expires_in?.min(MAX_TOKEN_LIFETIME_SECS) as i64;
        let margin = if secs < 3600 { 30 } else { secs / 20 };
        issued_at.checked_add_signed(chrono::Duration::seconds((secs - margin).max(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{read_one, Listing, ReadNotes};
    use serde_json::json;

    fn read<T: Wire>(v: Value) -> (T, ReadNotes) {
        let mut notes = ReadNotes::default();
        let x = read_one::<T>(&v, &mut notes).expect("readable");
        (x, notes)
    }

    const ORG: &str = "5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f";
    const U1: &str = "11111111-2222-4333-8444-555555555555";
    const R1: &str = "11111111-2222-4333-8444-555555555556";

    #[test]
    fn reads_a_confirmed_organization_and_notes_unknown_fields() {
        let (org, notes) = read::<Organization>(json!({
            "id": ORG, "name": "acme", "description": null,
            "created": "2024-03-01T10:00:00.123456", "updated": "2024-03-02T10:00:00Z",
            "some_future_field": {"nested": [1, 2]}
        }));
        assert_eq!(org.name, "acme");
        assert_eq!(org.description, None);
        assert_eq!(org.created.unwrap().to_rfc3339(), "2024-03-01T10:00:00.123456+00:00");
        assert_eq!((org.plan, org.owner), (None, None));
        assert!(notes.is_clean());
        assert_eq!(notes.unknown.into_iter().collect::<Vec<_>>(), ["organization.some_future_field"]);
    }

    #[test]
    fn reads_provisional_organization_fields_and_unknown_plans() {
        let (org, _) = read::<Organization>(json!({
            "id": ORG, "name": "acme", "description": "ML",
            "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00",
            "plan": "platinum", "trial_expiry": "2025-01-01T00:00:00+02:00",
            "has_active_subscription": true, "owner": {"id": U1, "email": "o@example.com"}
        }));
        assert_eq!(org.plan, Some(Plan::Other));
        assert_eq!(org.trial_expiry.unwrap().to_rfc3339(), "2024-12-31T22:00:00+00:00");
        assert_eq!(org.owner.unwrap().email.as_deref(), Some("o@example.com"));
    }

    /// Section 6: `trial_expiry` as epoch seconds, no `plan` and no `display_name`, `owner` as an id.
    #[test]
    fn reads_an_organization_of_the_variant_shape() {
        let (org, notes) = read::<Organization>(json!({
            "id": ORG, "name": "acme", "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00",
            "trial_expiry": 1735689600, "owner": U1
        }));
        assert_eq!(org.trial_expiry.unwrap().to_rfc3339(), "2025-01-01T00:00:00+00:00");
        assert_eq!((org.plan, org.display_name), (None, None));
        assert_eq!(org.owner.as_ref().map(|u| u.id.to_string()), Some(U1.to_owned()));
        assert_eq!(org.owner.unwrap().email, None);
        assert!(notes.is_clean(), "{notes:?}");
    }

    /// A field of the wrong type is absent and noted by name; the record still reads.
    #[test]
    fn a_field_of_the_wrong_shape_is_absent_not_an_error() {
        let (org, notes) = read::<Organization>(json!({
            "id": ORG, "name": "acme", "created": 17, "updated": {"at": "now"},
            "trial_expiry": "soon", "plan": 3, "owner": [1, 2], "has_active_subscription": "maybe",
            "description": ["not", "text"]
        }));
        assert_eq!(org.name, "acme");
        assert_eq!(org.updated, None);
        assert_eq!((org.trial_expiry, org.plan, org.has_active_subscription), (None, None, None));
        assert_eq!((org.owner, org.description), (None, None));
        let mistyped: Vec<_> = notes.mistyped.iter().map(String::as_str).collect();
        assert_eq!(
            mistyped,
            [
                "organization.description",
                "organization.has_active_subscription",
                "organization.owner",
                "organization.plan",
                "organization.trial_expiry",
                "organization.updated",
            ]
        );
        assert!(!format!("{notes:?}").contains("soon"), "notes hold names, never values");
    }

    #[test]
    fn reads_a_workspace_with_nested_organization_and_service() {
        let (ws, _) = read::<Workspace>(json!({
            "id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "name": "prod", "description": "production",
            "organization": {"id": ORG, "name": "acme", "description": null,
                "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00"},
            "desired_state": "available", "state_reason": "", "status": "available",
            "zenml_service": {
                "configuration": {"version": "0.80.0", "admin": {}},
                "status": {"server_url": "https://ws.example.com", "version": null}
            }
        }));
        assert_eq!(ws.status, WorkspaceStatus::Available);
        assert_eq!(ws.organization.as_ref().unwrap().name, "acme");
        assert_eq!(ws.server_url(), Some("https://ws.example.com"));
        assert_eq!(ws.version(), Some("0.80.0"), "falls back to configuration.version");
    }

    #[test]
    fn workspace_statuses_cover_all_six_and_tolerate_null_service() {
        for s in ["not_initialized", "pending", "available", "failed", "deactivated", "deleted"] {
            let (ws, _) = read::<Workspace>(json!({
                "id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "name": "w", "description": null,
                "organization": {"id": ORG, "name": "a", "description": null,
                    "created": "2024-03-01T10:00:00", "updated": "2024-03-01T10:00:00"},
                "desired_state": null, "state_reason": null, "status": s,
                "zenml_service": {"configuration": null, "status": null}
            }));
            assert_eq!(ws.status.as_str(), s);
            assert_eq!(ws.server_url(), None);
            assert_eq!(ws.version(), None);
        }
        let (ws, notes) = read::<Workspace>(
            json!({"id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "name": "w", "status": "paused"}),
        );
        assert_eq!((ws.status, ws.organization), (WorkspaceStatus::Other, None));
        assert!(notes.is_clean(), "an unknown status is a value, not a misshapen field");
    }

    #[test]
    fn kitaru_workspaces_have_their_kind_and_the_url_of_whichever_service_they_have() {
        let ws = |extra: Value| {
            let mut v =
                json!({"id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "name": "w", "status": "available"});
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            read::<Workspace>(v)
        };
        let kitaru =
            json!({"status": {"server_url": "https://k.example"}, "configuration": {"admin": {"x": 1}}});
        let zenml = json!({"status": {"server_url": "https://z.example", "version": "0.90.0"}});
        // A Kitaru workspace with no ZenML service.
        let (only, notes) = ws(json!({"workspace_type": "kitaru", "kitaru_service": kitaru}));
        assert_eq!((only.kind(), only.server_url()), (WorkspaceKind::Kitaru, Some("https://k.example")));
        assert_eq!(only.version(), None);
        assert!(notes.is_clean(), "{notes:?}");
        assert!(!serde_json::to_string(&only).unwrap().contains("admin"), "the configuration is never kept");
        // Both services: its own kind's first, whichever comes first on the wire.
        let (both, _) =
            ws(json!({"zenml_service": zenml, "workspace_type": "Kitaru", "kitaru_service": kitaru}));
        assert_eq!((both.kind(), both.server_url()), (WorkspaceKind::Kitaru, Some("https://k.example")));
        // A null or URL-less Kitaru service falls back to the ZenML one.
        let (fallback, _) =
            ws(json!({"workspace_type": "kitaru", "kitaru_service": null, "zenml_service": zenml}));
        assert_eq!(fallback.server_url(), Some("https://z.example"));
        // ZenML's: `zenml` or no type at all; an unknown type is its text, never an error.
        for (t, kind) in [
            (json!("zenml"), WorkspaceKind::Zenml),
            (json!(null), WorkspaceKind::Zenml),
            (json!(" "), WorkspaceKind::Zenml),
            (json!(" agents "), WorkspaceKind::Other("agents".into())),
        ] {
            let (w, notes) = ws(json!({"workspace_type": t, "zenml_service": zenml}));
            assert_eq!((w.kind(), w.server_url()), (kind, Some("https://z.example")), "{t}");
            assert!(notes.is_clean(), "{t}: {notes:?}");
        }
        assert_eq!(WorkspaceKind::of(Some("agents")).label(), "agents");
        assert_eq!((WorkspaceKind::Kitaru.label(), WorkspaceKind::Zenml.as_str()), ("Kitaru", "zenml"));
        // A cached record from before the kinds reads as ZenML's.
        let old: Workspace =
            serde_json::from_value(json!({"id": U1, "name": "w", "status": "available"})).unwrap();
        assert_eq!(old.kind(), WorkspaceKind::Zenml);
    }

    #[test]
    fn parses_a_token_response_and_computes_early_expiry() {
        let t: TokenResponse = serde_json::from_value(json!({
            "access_token": "secret-token", "token_type": "bearer", "expires_in": 3600,
            "refresh_token": null, "csrf_token": null, "scope": null,
            "device_id": U1, "device_metadata": {"os": "linux"}, "unexpected": 1
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

    /// No number a server sends as a lifetime can overflow the expiry arithmetic.
    #[test]
    fn absurd_token_lifetimes_are_clamped_and_odd_types_are_absent() {
        let now = Utc::now();
        let huge: TokenResponse =
            serde_json::from_value(json!({"access_token": "x", "expires_in": 1000000000000000000u64}))
                .unwrap();
        let at = huge.expires_at(now).unwrap();
        assert!(at > now && at < now + chrono::Duration::days(3651));
        let odd: TokenResponse =
            serde_json::from_value(json!({"access_token": "x", "expires_in": "soon", "device_id": 7}))
                .unwrap();
        assert_eq!((odd.expires_in, odd.device_id), (None, None));
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
    fn reads_member_rows_of_every_kind() {
        let list = Listing::<MemberRow>::read(&[
            json!({"user": {"id": U1, "email": "a@b.c", "is_service_account": false},
             "team": null, "invitation": null,
             "roles": [{"role_id": R1, "name": "Organization Admin", "level": "organization", "via_team": false}]}),
            json!({"user": null, "team": {"id": "11111111-2222-4333-8444-555555555557", "name": "ml", "member_count": 3},
             "invitation": null, "roles": []}),
            json!({"invitation": {"id": "11111111-2222-4333-8444-555555555558", "email": "new@b.c", "status": "pending",
              "role": {"id": R1, "name": "Organization Viewer"}}}),
            json!({"service_account": {"id": "11111111-2222-4333-8444-555555555559", "name": "ci"}, "roles": []}),
        ]);
        let rows = list.items;
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].roles[0].level, Some(RoleLevel::Organization));
        assert_eq!(rows[1].team.as_ref().unwrap().member_count, Some(3));
        assert_eq!(rows[2].invitation.as_ref().unwrap().status, Some(InvitationStatus::Pending));
        assert!(rows[2].roles.is_empty());
        assert_eq!(rows[3].user.as_ref().unwrap().is_service_account, Some(true));
        assert!(list.notes.is_clean());
    }

    /// Section 6: role entries with `role_id`, `level` and `via_team` but no `name`.
    #[test]
    fn member_roles_without_names_are_read() {
        let list = Listing::<MemberRow>::read(&[json!({
            "user": {"id": U1},
            "roles": [{"role_id": R1, "level": "organization", "via_team": true},
                      {"role": {"id": "11111111-2222-4333-8444-55555555555a", "name": "Workspace Viewer"}},
                      {"level": "organization"}]
        })]);
        let roles = &list.items[0].roles;
        assert_eq!(roles.len(), 2, "an entry naming no role is left out");
        assert_eq!((roles[0].name.as_deref(), roles[0].via_team), (None, true));
        assert_eq!(roles[0].label(), R1);
        assert_eq!(roles[1].name.as_deref(), Some("Workspace Viewer"));
        assert_eq!(list.notes.skipped, 0);
        assert!(list.notes.mistyped.contains("member_row.roles[]"));
    }

    /// Section 6: rows of a kind the app does not know are skipped and counted; the list is kept.
    #[test]
    fn unreadable_member_rows_are_skipped_and_counted() {
        let list = Listing::<MemberRow>::read(&[
            json!({"user": {"id": U1}, "roles": []}),
            json!({"user": null, "team": null, "invitation": null, "sso_group": {"id": R1, "name": "g"}, "roles": []}),
            json!({"user": {"email": "no-id@b.c"}, "roles": []}),
            json!("not even an object"),
            json!({"team": {"id": "11111111-2222-4333-8444-555555555557", "name": "ml"}}),
        ]);
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.notes.skipped, 3);
        assert!(list.notes.unknown.contains("member_row.sso_group"));
        assert!(list.notes.mistyped.contains("member_row.user"));
        assert_eq!(list.notes.skip_reasons.len(), 2, "{:?}", list.notes.skip_reasons);
    }

    /// Section 6: role items without `level`.
    #[test]
    fn roles_without_a_level_are_read() {
        let list = Listing::<Role>::read(&[
            json!({"id": R1, "name": "Organization Admin", "system_managed": true}),
            json!({"id": "11111111-2222-4333-8444-55555555555a", "name": "Workspace Viewer", "level": "WORKSPACE"}),
            json!({"name": "no id"}),
        ]);
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.items[0].level, None);
        assert_eq!(list.items[1].level, Some(RoleLevel::Workspace), "levels are read in any case");
        assert_eq!(list.notes.skipped, 1);
    }

    #[test]
    fn partial_updates_send_only_changed_fields() {
        let u = OrganizationUpdate { description: Some("new".into()), ..Default::default() };
        assert_eq!(serde_json::to_value(&u).unwrap(), json!({"description": "new"}));
        let w = WorkspaceUpdate { desired_state: Some(WorkspaceStatus::Deactivated), ..Default::default() };
        assert_eq!(serde_json::to_value(&w).unwrap(), json!({"desired_state": "deactivated"}));
    }

    /// What the cache wrote with an earlier build (names required, one role) still reads back.
    #[test]
    fn records_cached_by_an_earlier_build_still_deserialize() {
        let row: MemberRow = serde_json::from_value(json!({
            "user": {"id": U1}, "team": null, "invitation": {"id": U1, "email": "a@b.c",
                "role": {"id": R1, "name": "x"}, "created": "2024-01-01T00:00:00+00:00"},
            "roles": [{"role_id": R1, "name": "Organization Admin", "level": "organization", "via_team": false}]
        }))
        .unwrap();
        assert_eq!(row.roles[0].name.as_deref(), Some("Organization Admin"));
        let org: Organization = serde_json::from_value(json!({
            "id": ORG, "name": "a", "created": "2024-01-01T00:00:00+00:00", "updated": "2024-01-01T00:00:00+00:00"
        }))
        .unwrap();
        assert!(org.created.is_some());
        let role: Role =
            serde_json::from_value(json!({"id": R1, "name": "Organization Admin", "level": "organization"}))
                .unwrap();
        assert_eq!(role.level, Some(RoleLevel::Organization));
    }
}
