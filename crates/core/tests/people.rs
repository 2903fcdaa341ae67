//! People across organizations and accounts: against the emulator's demo data (a person in three
//! organizations, seen by two accounts), and on a cache filled by hand (grouping by email whatever its
//! case, service accounts without an email, invitations of every status, paging, signed-out accounts).

mod common;

use std::sync::Arc;

use chrono::{Duration, Utc};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRow, Organization};
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{
    account_id, cache_path, AccountRecord, AuthMethod, Cache, ErrorCode, MemberKind, MemoryKeyring,
    OrgSnapshot, PeopleQuery, SyncOptions,
};

use common::{env, no_progress, open_core};

const DEMO: &str = "demo@zenml-pro.example";

fn search(s: &str) -> PeopleQuery {
    PeopleQuery { search: Some(s.into()), ..Default::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_in_three_organizations_seen_by_two_accounts() {
    let e = env().await;
    let creds = e.emu.credentials();
    let cancel = CancellationToken::new();
    let mut accounts = Vec::new();
    for key in [&creds.multi_org.key, &creds.admin.key] {
        let a = e.core.login_with_key(&e.emu.base_url(), ApiKey::new(key)).await.unwrap();
        e.core.sync(&a.id, &SyncOptions::default(), &no_progress(), &cancel).await.unwrap();
        accounts.push(a);
    }

    // By part of the name, and by part of the email in another case.
    for q in [search("emo Us"), search("ZENML-PRO.EX")] {
        let page = e.core.people(&q).unwrap();
        assert_eq!(page.total, 1, "{q:?}: {page:?}");
        let p = &page.people[0];
        assert_eq!(
            (p.key.as_str(), p.email.as_deref(), p.name.as_deref()),
            (DEMO, Some(DEMO), Some("Demo User"))
        );
        let seen: Vec<(&str, &str, Vec<String>)> = p
            .memberships
            .iter()
            .map(|m| (m.org_name.as_str(), m.account.as_str(), m.roles.iter().map(|r| r.label()).collect()))
            .collect();
        assert_eq!(
            seen,
            [
                ("acme-ml", "admin@acme-ml.example", vec!["Organization Admin".to_owned()]),
                ("acme-ml", DEMO, vec!["Organization Admin".to_owned()]),
                ("orbit-labs", DEMO, vec!["Organization Manager".to_owned()]),
                ("tiny-startup", DEMO, vec!["Organization Viewer".to_owned()]),
            ],
            "every organization of every account"
        );
        assert!(p.memberships.iter().all(|m| m.kind == MemberKind::User && !m.stale));
        assert_eq!((page.accounts, page.organizations), (2, 4));
        assert!(!page.stale && page.fetched_at.is_some());
    }

    // Roles through a team are marked so; pending invitations are people too, with their status.
    let page = e.core.people(&search("acme-ml.example")).unwrap();
    let member = page.people.iter().find(|p| p.key == "member@acme-ml.example").expect("listed");
    let roles: Vec<(String, bool)> =
        member.memberships[0].roles.iter().map(|r| (r.label(), r.via_team)).collect();
    assert!(roles.contains(&("Organization Member".into(), true)), "{roles:?}");
    let hire = page.people.iter().find(|p| p.key == "new-hire@acme-ml.example").expect("invited");
    assert_eq!(hire.memberships[0].kind, MemberKind::Invitation);
    assert_eq!(hire.memberships[0].invitation_status.as_deref(), Some("pending"));
    // Teams are not people.
    assert!(e.core.people(&search("data-science")).unwrap().people.is_empty());

    // The person's page: each organization, and the invitations of every status.
    let p = e.core.person("DEMO@zenml-pro.example").unwrap();
    assert_eq!(p.organizations.len(), 4);
    assert!(p.organizations.iter().all(|o| o.kind == MemberKind::User && o.member_id.is_some()));
    assert!(p.organizations.iter().all(|o| o.teams.is_none()), "team membership is not cached");
    assert_eq!(p.not_cached.len(), 2);
    let hire = e.core.person("new-hire@acme-ml.example").unwrap();
    let acme = &hire.organizations[0];
    assert_eq!((acme.kind, acme.member_id), (MemberKind::Invitation, None));
    assert_eq!(acme.teams.as_deref(), Some(&["platform".to_owned()][..]));
    assert_eq!(acme.invitations[0].status, "pending");
    assert!(acme.invitations[0].roles.iter().any(|r| r == "Workspace Viewer on acme-research"));
    let revoked = e.core.person("changed-mind@acme-ml.example").unwrap();
    let statuses: Vec<&str> =
        revoked.organizations.iter().flat_map(|o| &o.invitations).map(|i| i.status.as_str()).collect();
    assert_eq!(statuses, ["revoked", "revoked"], "seen by both accounts");
    let late = e.core.person("late-reply@acme-ml.example").unwrap();
    let lapsed = &late.organizations[0].invitations[0];
    assert_eq!(lapsed.status, "expired", "the server says a pending one past its expiry expired");
    assert!(lapsed.expires.is_some() && !lapsed.lapsed);
    let engineer = e.core.person("ml-engineer@acme-ml.example").unwrap();
    let o = &engineer.organizations[0];
    assert_eq!(o.kind, MemberKind::User, "a member whose invitation was accepted");
    assert_eq!(o.invitations[0].status, "accepted");

    let bad = e.core.person("not an email").unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    let unknown = e.core.person("nobody@nowhere.example").unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotFound);

    // A signed-out account's organizations are left out.
    e.core.logout(&accounts[1].id, false).await.unwrap();
    let page = e.core.people(&search(DEMO)).unwrap();
    assert_eq!(page.people[0].memberships.len(), 3);
    assert_eq!((page.accounts, page.organizations), (1, 3));
}

fn row(v: serde_json::Value) -> MemberRow {
    serde_json::from_value(v).expect("a member row")
}

fn invitation(id: u128, email: &str, status: &str) -> Invitation {
    serde_json::from_value(json!({
        "id": Uuid::from_u128(id), "email": email, "status": status,
        "role": {"id": Uuid::from_u128(1), "name": "Organization Member"},
        "created": "2024-01-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z"
    }))
    .expect("an invitation")
}

fn snapshot(oid: u128, name: &str, members: Vec<MemberRow>, invitations: Vec<Invitation>) -> OrgSnapshot {
    let organization: Organization = serde_json::from_value(json!({
        "id": Uuid::from_u128(oid), "name": name, "created": "2024-01-01T00:00:00Z",
        "updated": "2024-01-01T00:00:00Z"
    }))
    .unwrap();
    OrgSnapshot {
        organization,
        workspaces: vec![],
        members,
        invitations,
        roles: vec![],
        teams: vec![],
        reads: Default::default(),
    }
}

/// Two accounts' organizations filled by hand: people are grouped by email whatever its case, a
/// service account without an email is a person of its own, and pages add up to the total.
#[test]
fn people_group_by_email_and_page() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    {
        let (cache, _) = Cache::open(&cache_path(dir.path())).unwrap();
        let mut ids = Vec::new();
        for (n, signed_in) in [(1u128, true), (2, true), (3, false)] {
            let user = Uuid::from_u128(n);
            let id = account_id("https://people.example.test", user);
            cache
                .upsert_account(&AccountRecord {
                    id: id.clone(),
                    base_url: "https://people.example.test".into(),
                    user_id: user,
                    user_email: Some(format!("account{n}@people.example.test")),
                    user_name: None,
                    auth_method: AuthMethod::Key,
                    device_id: None,
                    token_expires_at: None,
                    created_at: now,
                    last_used_at: now,
                    signed_in,
                })
                .unwrap();
            ids.push(id);
        }
        let ada = |email: &str, via_team: bool| {
            row(
                json!({"user": {"id": Uuid::from_u128(100), "name": "Ada Lovelace", "username": "ada", "email": email},
                "roles": [{"role_id": Uuid::from_u128(1), "name": "Organization Member", "via_team": via_team}]}),
            )
        };
        let bot = row(
            json!({"user": {"id": Uuid::from_u128(200), "username": "ci-bot", "is_service_account": true},
            "roles": []}),
        );
        let inv = invitation(300, "Grace@Example.com", "pending");
        let invited = row(json!({"invitation": inv, "roles": []}));
        let others: Vec<MemberRow> = (0..30)
            .map(|i| {
                row(json!({"user": {"id": Uuid::from_u128(1000 + i), "name": format!("Person {i:02}"),
                "email": format!("p{i}@example.com")}, "roles": []}))
            })
            .collect();
        let old = invitation(301, "ada@example.com", "revoked");
        cache
            .replace_org_snapshot(
                &ids[0],
                &snapshot(10, "alpha", vec![ada("Ada@Example.com", false), bot], vec![old]),
                now,
            )
            .unwrap();
        let beta = [vec![ada("ada@example.com", true), invited], others].concat();
        cache
            .replace_org_snapshot(&ids[1], &snapshot(20, "beta", beta, vec![inv]), now - Duration::hours(1))
            .unwrap();
        cache
            .replace_org_snapshot(
                &ids[2],
                &snapshot(30, "gamma", vec![ada("ada@example.com", false)], vec![]),
                now,
            )
            .unwrap();
    }
    let core = open_core(dir.path(), Arc::new(MemoryKeyring::new()));

    let ada = core.people(&search("lovelace")).unwrap();
    assert_eq!(ada.total, 1);
    let orgs: Vec<(&str, bool)> =
        ada.people[0].memberships.iter().map(|m| (m.org_name.as_str(), m.roles[0].via_team)).collect();
    assert_eq!(orgs, [("alpha", false), ("beta", true)], "one person; the signed-out account left out");
    assert!(ada.stale, "beta is an hour old");
    assert!(!ada.people[0].memberships[0].stale && ada.people[0].memberships[1].stale);

    let bot = core.people(&search("ci-bot")).unwrap();
    assert_eq!(bot.people[0].key, format!("id:{}", Uuid::from_u128(200)));
    assert_eq!(bot.people[0].memberships[0].kind, MemberKind::ServiceAccount);
    let grace = core.people(&search("grace@")).unwrap();
    assert_eq!(grace.people[0].email.as_deref(), Some("Grace@Example.com"));

    // Everyone: Ada, the bot, Grace and 30 others, in pages that add up.
    let all = core.people(&PeopleQuery::default()).unwrap();
    assert_eq!(all.total, 33);
    let mut paged = Vec::new();
    for offset in (0..40).step_by(7) {
        let page = core.people(&PeopleQuery { search: None, offset, limit: Some(7) }).unwrap();
        assert_eq!(page.total, 33, "offset {offset}");
        paged.extend(page.people.into_iter().map(|p| p.key));
    }
    assert_eq!(paged, all.people.iter().map(|p| p.key.clone()).collect::<Vec<_>>());
    assert_eq!(core.people(&search("zzz")).unwrap().total, 0);

    let p = core.person(" ADA@example.com ").unwrap();
    assert_eq!(p.organizations.len(), 2);
    assert_eq!(p.organizations[0].invitations[0].status, "revoked");
    assert!(p.stale);
    let g = core.person("grace@example.com").unwrap();
    assert_eq!(g.organizations[0].kind, MemberKind::Invitation);
    assert_eq!(g.organizations[0].invitations.len(), 1);
}
