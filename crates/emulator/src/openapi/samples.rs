//! The samples the OpenAPI document's schemas are inferred from: the demo data and variations (null
//! fields, every invitation and workspace status, team and invitation rows), rendered by the same
//! functions the handlers use.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::auth;
use crate::dialect::Dialect;
use crate::model::*;

/// Every object each component is inferred from: the demo data and variations, rendered by the
/// functions the handlers use.
pub(super) fn samples(d: Dialect) -> BTreeMap<&'static str, Vec<Value>> {
    let (db, _) = crate::demo::build(None);
    let now = Utc::now();
    let mut pools: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    let mut add = |name: &'static str, v: Value| pools.entry(name).or_default().push(v);

    let when = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let mut users: Vec<&User> = db.users.values().collect();
    users.sort_by_key(|u| u.id);
    let with_avatar = users.first().map(|u| User {
        avatar_url: Some("https://avatars.emulator.invalid/u.png".into()),
        is_superuser: true,
        ..(*u).clone()
    });
    for u in users.iter().copied().chain(with_avatar.as_ref()) {
        add("User", Db::user_json(d, u));
        // `/users/me` serves the same model in its documented, fuller shape.
        add("User", db.me_json(d, u));
    }

    let mut orgs: Vec<&Org> = db.orgs.values().collect();
    orgs.sort_by_key(|o| o.id);
    let bare_org = orgs.first().map(|o| Org {
        description: None,
        logo_url: Some("https://logos.emulator.invalid/o.png".into()),
        trial_expiry: Some(when),
        ..(*o).clone()
    });
    for o in orgs.iter().copied().chain(bare_org.as_ref()) {
        for billing in [true, false] {
            add("Organization", db.org_json(d, o, billing));
        }
    }
    for o in &orgs {
        for key in db.member_order(d, o, now) {
            if let Some(row) = db.member_row_json(d, o, key, now) {
                add("MemberRow", row);
            }
        }
    }

    for ws in db.workspaces.values() {
        for billing in [true, false] {
            add("Workspace", db.workspace_json(d, ws, billing));
        }
    }

    let bare_invitation = Invitation {
        id: Uuid::nil(),
        email: "someone@emulator.invalid".into(),
        organization_id: orgs.first().map(|o| o.id).unwrap_or_default(),
        role_id: None,
        inviter_id: None,
        status: "declined".into(),
        created: when,
        expires: None,
    };
    for inv in db.invitations.values().chain([&bare_invitation]) {
        add("Invitation", db.invitation_json(d, inv, now));
    }

    for r in db.roles.values() {
        add("Role", Db::role_json(d, r));
    }
    for org in &orgs {
        for (subject, grants) in &org.grants {
            for g in grants {
                let Some(role) = db.roles.get(&g.role_id) else { continue };
                if let Some(v) = crate::grants::assignment_json(&db, d, role, *subject, g, now) {
                    add("Assignment", v);
                }
            }
        }
    }
    let bare_team = db.teams.values().next().map(|t| Team { description: None, ..t.clone() });
    for t in db.teams.values().chain(bare_team.as_ref()) {
        add("Team", Db::team_json(d, t));
    }
    for row in crate::handlers::teams::team_member_samples(d, &db) {
        add("TeamMember", row);
    }

    let (accounts, keys) = crate::service_accounts::samples(d, &db);
    accounts.into_iter().for_each(|v| add("ServiceAccount", v));
    keys.into_iter().for_each(|v| add("ApiKey", v));

    let ttl = Duration::from_secs(3600);
    add("TokenResponse", auth::token_json(d, "sample-token", ttl, None));
    // Device logins: no metadata, both tokens, and each token alone (a key is there only when sent).
    for user_agent in
        [None, Some("Host/build-host ZenML/0.84.0 Python/3.12 OS/Linux"), Some("Host/h"), Some("OS/Linux")]
    {
        let metadata = auth::device_metadata(user_agent);
        add(
            "TokenResponse",
            auth::token_json(d, "sample-token", ttl, Some((Uuid::nil(), metadata.as_ref()))),
        );
    }
    add("DeviceAuthorization", auth::device_authorization_json(d, "sample-device-code", "BCDF-GHJK", ttl, 5));
    pools
}
