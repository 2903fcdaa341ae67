//! Deterministic demo data and the `--scale N` generator.
//!
//! Every id is a UUIDv5 of a readable name and every timestamp is fixed, so two starts serve the same
//! data. To add demo data, add it in [`build`] with the [`Builder`] helpers (`demo/builder.rs`); keep names unique.

mod builder;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use crate::model::*;
use crate::{DemoCredentials, DemoKey, PasswordLogin};
pub use builder::Builder;

/// Namespace of every demo UUID.
const NS: Uuid = Uuid::from_u128(0x7a0c_5e1d_4f2b_4c8e_9d3a_6b1f_0e2c_8a47);

/// The id of demo object `kind:name`.
pub fn id(kind: &str, name: &str) -> Uuid {
    Uuid::new_v5(&NS, format!("{kind}:{name}").as_bytes())
}

/// The instant all demo timestamps count from.
fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap()
}

fn at(days: i64) -> DateTime<Utc> {
    base() + Duration::days(days)
}

/// A date far enough ahead to stay in the future (pending invitations, the trial).
fn far_future() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2035, 12, 31, 23, 59, 59).unwrap()
}

pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_USER_EMAIL: &str = "demo@zenml-pro.example";
const PEOPLE_MANAGER_EMAIL: &str = "people-manager@acme-ml.example";
/// The custom role of acme-ml whose holders may invite (and revoke invitations), nothing else.
const PEOPLE_MANAGER: &str = "People Manager";
const WORKSPACE_VERSION: &str = "0.84.0";

fn demo_key(key: &str, email: &str, org: &str, role: &str) -> DemoKey {
    DemoKey {
        key: key.to_string(),
        user_email: email.to_string(),
        organization: org.to_string(),
        role: role.to_string(),
    }
}

/// Builds the demo data (plus `scale` generated organizations) and the credentials to print.
pub fn build(scale: Option<u32>) -> (Db, DemoCredentials) {
    let mut b = Builder { db: Db::default() };

    // Users and service accounts.
    let demo = b.user("demo", DEMO_USER_EMAIL, "Demo User", false, 0);
    let admin = b.user("acme-admin", "admin@acme-ml.example", "Acme Admin", false, 0);
    let manager = b.user("acme-manager", "manager@acme-ml.example", "Acme Manager", false, 1);
    let viewer = b.user("acme-viewer", "viewer@acme-ml.example", "Acme Viewer", false, 2);
    let member = b.user("acme-member", "member@acme-ml.example", "Acme Member", false, 3);
    let billing = b.user("acme-billing", "billing@acme-ml.example", "Acme Billing", false, 4);
    let scientist =
        b.user("acme-data-scientist", "data-scientist@acme-ml.example", "Acme Data Scientist", false, 5);
    let engineer = b.user("acme-ml-engineer", "ml-engineer@acme-ml.example", "Acme ML Engineer", false, 6);
    let auditor = b.user("acme-auditor", "auditor@acme-ml.example", "Acme Auditor", false, 7);
    let people_manager = b.user("acme-people-manager", PEOPLE_MANAGER_EMAIL, "Acme People Manager", false, 9);
    let acme_ci = b.user("acme-ci", "acme-ci@service-accounts.acme-ml.example", "Acme CI pipeline", true, 8);
    let orbit_ops = b.user("orbit-ops", "ops@orbit-labs.example", "Orbit Operations", false, 10);
    let orbit_res = b.user("orbit-researcher", "research@orbit-labs.example", "Orbit Researcher", false, 11);
    let orbit_ci =
        b.user("orbit-ci", "orbit-ci@service-accounts.orbit-labs.example", "Orbit CI deployer", true, 12);
    let founder = b.user("tiny-founder", "founder@tiny-startup.example", "Tiny Startup Founder", false, 20);
    let hobbyist = b.user("hobbyist", "owner@hobby-projects.example", "Hobby Projects Owner", false, 30);

    // Organizations on four plans.
    let acme =
        b.org("acme-ml", "Acme ML", "Machine learning platform of Acme", admin, "enterprise", None, true, 0);
    let orbit = b.org(
        "orbit-labs",
        "Orbit Labs",
        "Research lab running training at scale",
        orbit_ops,
        "pro",
        None,
        true,
        10,
    );
    let tiny = b.org(
        "tiny-startup",
        "Tiny Startup",
        "Two people and a model",
        founder,
        "trial",
        Some(far_future()),
        false,
        20,
    );
    let hobby =
        b.org("hobby-projects", "Hobby Projects", "Weekend experiments", hobbyist, "free", None, false, 30);
    let read_only = Permissions::default();
    b.custom_role(acme, "Compliance Auditor", "Read-only access for audits (custom role)", read_only);
    b.custom_role(
        acme,
        PEOPLE_MANAGER,
        "Invites people and manages invitations (custom role)",
        Permissions { manage_invitations: true },
    );
    b.custom_role(orbit, "Release Approver", "Reviews model releases (custom role)", read_only);
    b.custom_role(tiny, "Advisor", "Occasional read-only access (custom role)", read_only);
    b.custom_role(hobby, "Guest", "Read-only guest (custom role)", read_only);

    // Workspaces: every status appears at least once.
    let acme_prod = b.workspace(
        acme,
        "acme-prod",
        "Acme Production",
        Some("Production pipelines"),
        "available",
        "available",
        "",
    );
    let acme_research = b.workspace(
        acme,
        "acme-research",
        "Acme Research",
        Some("Research sandbox"),
        "available",
        "available",
        "",
    );
    b.workspace(
        acme,
        "acme-legacy",
        "Acme Legacy",
        None,
        "deactivated",
        "deactivated",
        "Deactivated by an administrator",
    );
    b.workspace(
        acme,
        "acme-migration",
        "Acme Migration",
        Some("Upgrade test"),
        "available",
        "failed",
        "The server did not become healthy after the upgrade",
    );
    b.workspace(
        orbit,
        "orbit-main",
        "Orbit Main",
        Some("Main training workspace"),
        "available",
        "available",
        "",
    );
    b.workspace(
        orbit,
        "orbit-gpu",
        "Orbit GPU",
        Some("GPU cluster, being provisioned"),
        "available",
        "pending",
        "Provisioning infrastructure",
    );
    b.workspace(
        orbit,
        "orbit-archive",
        "Orbit Archive",
        None,
        "deleted",
        "deleted",
        "Deleted at the owner's request",
    );
    // Kitaru workspaces share the organization: one with no ZenML server, one with both.
    b.kitaru_workspace(orbit, "orbit-agents", "Orbit Agents", false);
    b.kitaru_workspace(orbit, "orbit-copilot", "Orbit Copilot", true);
    b.workspace(tiny, "tiny-first", "First workspace", None, "not_initialized", "not_initialized", "");
    b.workspace(tiny, "tiny-dev", "Tiny Dev", Some("Development"), "available", "available", "");
    b.workspace(hobby, "hobby-ws", "Hobby", None, "available", "available", "");

    // acme-ml members.
    b.grant(acme, Subject::User(admin), ORG_ADMIN, None);
    b.grant(acme, Subject::User(demo), ORG_ADMIN, None);
    b.grant(acme, Subject::User(manager), ORG_MANAGER, None);
    b.grant(acme, Subject::User(viewer), ORG_VIEWER, None);
    b.grant(acme, Subject::User(member), ORG_MEMBER, None);
    b.grant(acme, Subject::User(member), "Workspace Developer", Some(acme_research));
    b.grant(acme, Subject::User(billing), BILLING_ADMIN, None);
    b.grant(acme, Subject::User(engineer), ORG_MEMBER, None);
    b.grant(acme, Subject::User(auditor), "Compliance Auditor", None);
    b.grant(acme, Subject::User(people_manager), PEOPLE_MANAGER, None);
    b.grant(acme, Subject::User(acme_ci), ORG_MEMBER, None);
    b.grant(acme, Subject::User(acme_ci), "Workspace Contributor", Some(acme_prod));
    let new_hire =
        b.invitation(acme, "new-hire@acme-ml.example", ORG_MEMBER, admin, "pending", 40, far_future());
    // A pending invitation carrying more than its organization role: a workspace role here, and the
    // platform team below.
    b.grant(acme, Subject::Invitation(new_hire), "Workspace Viewer", Some(acme_research));
    b.invitation(acme, "contractor@partner.example", ORG_VIEWER, manager, "pending", 41, far_future());
    b.invitation(acme, "late-reply@acme-ml.example", ORG_MEMBER, admin, "pending", 5, at(12));
    b.invitation(acme, "changed-mind@acme-ml.example", ORG_VIEWER, admin, "revoked", 6, at(13));
    b.invitation(acme, "ml-engineer@acme-ml.example", ORG_MEMBER, admin, "accepted", 5, at(12));
    let data_science = b.team(
        acme,
        "data-science",
        "Data scientists",
        &[Subject::User(scientist), Subject::User(member)],
        3,
    );
    b.grant(acme, Subject::Team(data_science), ORG_MEMBER, None);
    b.grant(acme, Subject::Team(data_science), "Workspace Developer", Some(acme_research));
    let platform = b.team(
        acme,
        "platform",
        "Platform engineering",
        &[Subject::User(engineer), Subject::Invitation(new_hire)],
        4,
    );
    b.grant(acme, Subject::Team(platform), ORG_VIEWER, None);
    b.grant(acme, Subject::Team(platform), "Workspace Admin", Some(acme_prod));

    // orbit-labs.
    b.grant(orbit, Subject::User(orbit_ops), ORG_ADMIN, None);
    b.grant(orbit, Subject::User(orbit_ci), ORG_ADMIN, None);
    b.grant(orbit, Subject::User(demo), ORG_MANAGER, None);
    let researchers = b.team(orbit, "researchers", "Research staff", &[Subject::User(orbit_res)], 12);
    b.grant(orbit, Subject::Team(researchers), ORG_MEMBER, None);
    b.invitation(orbit, "intern@orbit-labs.example", ORG_MEMBER, orbit_ops, "pending", 45, far_future());
    b.invitation(orbit, "visitor@orbit-labs.example", ORG_VIEWER, orbit_ops, "pending", 15, at(22));

    // tiny-startup.
    b.grant(tiny, Subject::User(founder), ORG_ADMIN, None);
    b.grant(tiny, Subject::User(demo), ORG_VIEWER, None);
    b.invitation(tiny, "cofounder@tiny-startup.example", ORG_ADMIN, founder, "pending", 50, far_future());

    // hobby-projects.
    b.grant(hobby, Subject::User(hobbyist), ORG_ADMIN, None);

    // Keys. These are public demo data.
    let keys = [
        ("ZENPAT_demo_acme_admin", admin),
        ("ZENPAT_demo_acme_manager", manager),
        ("ZENPAT_demo_acme_viewer", viewer),
        ("ZENPAT_demo_acme_member", member),
        ("ZENPAT_demo_acme_billing_admin", billing),
        ("ZENPROKEY_demo_orbit_ci", orbit_ci),
        ("ZENPAT_demo_multi_org", demo),
        ("ZENPAT_demo_acme_people_manager", people_manager),
    ];
    for (k, u) in keys {
        b.key(k, u);
    }
    b.db.passwords.push((DEMO_USER_EMAIL.to_string(), DEMO_PASSWORD.to_string(), demo));
    b.db.passwords.push(("demo".to_string(), DEMO_PASSWORD.to_string(), demo));

    let credentials = DemoCredentials {
        admin: demo_key(keys[0].0, "admin@acme-ml.example", "acme-ml", ORG_ADMIN),
        manager: demo_key(keys[1].0, "manager@acme-ml.example", "acme-ml", ORG_MANAGER),
        viewer: demo_key(keys[2].0, "viewer@acme-ml.example", "acme-ml", ORG_VIEWER),
        member: demo_key(keys[3].0, "member@acme-ml.example", "acme-ml", ORG_MEMBER),
        billing_admin: demo_key(keys[4].0, "billing@acme-ml.example", "acme-ml", BILLING_ADMIN),
        service_account: demo_key(
            keys[5].0,
            "orbit-ci@service-accounts.orbit-labs.example",
            "orbit-labs",
            ORG_ADMIN,
        ),
        multi_org: demo_key(keys[6].0, DEMO_USER_EMAIL, "acme-ml", ORG_ADMIN),
        people_manager: demo_key(keys[7].0, PEOPLE_MANAGER_EMAIL, "acme-ml", PEOPLE_MANAGER),
        password_login: PasswordLogin {
            username: DEMO_USER_EMAIL.to_string(),
            password: DEMO_PASSWORD.to_string(),
        },
    };

    if let Some(n) = scale {
        generate_scale(&mut b, n, &[demo, admin]);
    }
    (b.db, credentials)
}

/// `n` organizations `scale-org-0001`…, each with a few workspaces, teams and invitations, where
/// `admins` are Organization Admin; the first one has `100 * n` generated members.
fn generate_scale(b: &mut Builder, n: u32, admins: &[Uuid]) {
    const STATES: [(&str, &str); 3] =
        [("available", "available"), ("deactivated", "deactivated"), ("available", "failed")];
    for i in 1..=n {
        let name = format!("scale-org-{i:04}");
        let org = b.org(
            &name,
            &format!("Scale Org {i:04}"),
            "Generated organization",
            admins[0],
            ["free", "trial", "pro", "enterprise"][(i % 4) as usize],
            (i % 4 == 1).then(far_future),
            i % 4 >= 2,
            60 + i as i64 % 300,
        );
        for admin in admins {
            b.grant(org, Subject::User(*admin), ORG_ADMIN, None);
        }
        for (w, (desired, status)) in STATES.iter().enumerate() {
            let ws_name = format!("{name}-ws-{}", w + 1);
            b.workspace(org, &ws_name, &ws_name, None, desired, status, "");
        }
        for t in 1..=2 {
            b.team(org, &format!("team-{t}"), "Generated team", &[], 60);
        }
        for v in 1..=3 {
            b.invitation(
                org,
                &format!("invitee-{v}@{name}.example"),
                ORG_MEMBER,
                admins[0],
                "pending",
                60,
                far_future(),
            );
        }
    }
    if n == 0 {
        return;
    }
    // The first generated organization is the big one.
    let big = id("org", "scale-org-0001");
    let member_role = b.role(big, ORG_MEMBER);
    let viewer_role = b.role(big, ORG_VIEWER);
    let total = 100 * n as usize;
    let mut team_members: Vec<BTreeSet<Subject>> = vec![BTreeSet::new(); 10];
    let created = at(60);
    let mut grants = Vec::with_capacity(total);
    for u in 1..=total {
        let email = format!("scale-user-{u:06}@scale.example");
        let user_id = Uuid::new_v5(&NS, format!("user:{email}").as_bytes());
        b.db.users.insert(
            user_id,
            User {
                id: user_id,
                username: format!("scale-user-{u:06}"),
                email,
                name: format!("Scale User {u:06}"),
                avatar_url: None,
                is_superuser: false,
                is_service_account: u % 500 == 0,
                is_active: true,
                created,
            },
        );
        let role = if u % 10 == 0 { viewer_role } else { member_role };
        grants.push((Subject::User(user_id), role));
        if u <= 500 {
            team_members[u % 10].insert(Subject::User(user_id));
        }
    }
    let org = b.db.orgs.get_mut(&big).expect("big org");
    for (s, role) in grants {
        org.grants.entry(s).or_default().insert(Grant::org(role));
    }
    for (t, members) in team_members.into_iter().enumerate() {
        let team = b.team(big, &format!("big-team-{:02}", t + 1), "Generated team", &[], 60);
        b.db.teams.get_mut(&team).expect("team").members = members;
    }
    for v in 1..=100 {
        b.invitation(
            big,
            &format!("big-invitee-{v:03}@scale.example"),
            ORG_MEMBER,
            admins[0],
            "pending",
            61,
            far_future(),
        );
    }
}
