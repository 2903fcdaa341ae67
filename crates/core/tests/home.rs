//! The home page's summary of every cached organization across signed-in accounts, against every
//! emulator dialect: each card's figures agree with the organization's own cached lists, a write
//! moves them, a list the role may not read is unknown rather than zero, a signed-out account's
//! organizations leave, and all of it answers after the server stops.

mod common;

use std::collections::BTreeMap;

use common::*;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{CancellationToken, Home, HomeOrg, MemberKind, SyncOptions};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn login_and_sync(e: &Env, key: &str) -> String {
    let a = e.core.login_with_key(&e.emu.base_url(), ApiKey::new(key)).await.expect("key sign-in");
    let report =
        e.core.sync(&a.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    a.id
}

fn card<'a>(home: &'a Home, account: &str, org: &str) -> &'a HomeOrg {
    home.organizations
        .iter()
        .find(|o| o.account_id == account && o.organization.name == org)
        .unwrap_or_else(|| panic!("no card of {org} for {account}: {home:?}"))
}

/// Each card says what the organization's own reads say: members (users and service accounts),
/// pending invitations and workspaces by status.
fn assert_agrees(e: &Env, c: &HomeOrg, what: &str) {
    let (account, org) = (&c.account_id, c.organization.id);
    let counts = e.core.member_counts(account, org).unwrap();
    let people: usize = counts
        .value
        .iter()
        .filter(|(k, _)| matches!(k, MemberKind::User | MemberKind::ServiceAccount))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(c.members, (!counts.hidden).then_some(people), "{what}: members");
    let pending = e.core.invitations(account, org, true).unwrap();
    assert_eq!(
        c.pending_invitations,
        (!pending.hidden).then_some(pending.value.len()),
        "{what}: invitations"
    );
    let ws = e.core.workspaces(account, org).unwrap();
    let mut by_status = BTreeMap::new();
    for w in &ws.value {
        *by_status.entry(w.status.as_str().to_owned()).or_insert(0usize) += 1;
    }
    assert_eq!(c.workspaces, (!ws.hidden).then(|| by_status.into_iter().collect()), "{what}: workspaces");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_card_per_cached_organization_of_every_account() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let creds = e.emu.credentials().clone();
        assert!(e.core.home().unwrap().organizations.is_empty(), "{dialect}: nothing before a sign-in");

        let admin = login_and_sync(&e, &creds.admin.key).await;
        let multi = login_and_sync(&e, &creds.multi_org.key).await;
        let member = login_and_sync(&e, &creds.member.key).await;
        let home = e.core.home().unwrap();
        assert_eq!(home.accounts, 3, "{dialect}");
        let expected: usize =
            [&admin, &multi, &member].iter().map(|a| e.core.organizations(a).unwrap().len()).sum();
        assert_eq!(home.organizations.len(), expected, "{dialect}: one card per organization and account");
        assert!(expected >= 5, "{dialect}: several accounts, several organizations: {expected}");
        for c in &home.organizations {
            assert_agrees(&e, c, &format!("{dialect} {} / {}", c.account, c.organization.name));
            assert!(!c.stale && c.last_error.is_none(), "{dialect}: just synced: {c:?}");
        }
        assert!(home.fetched_at.is_some() && !home.stale, "{dialect}");
        let names: Vec<String> = home
            .organizations
            .iter()
            .map(|o| {
                o.organization.display_name.clone().unwrap_or(o.organization.name.clone()).to_lowercase()
            })
            .collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "{dialect}: ordered by name: {names:?}");

        let acme = card(&home, &admin, "acme-ml");
        // The variant's organizations come without a plan: absent, not a failure.
        let plan = (dialect == Dialect::Default).then_some("enterprise");
        assert_eq!(acme.organization.plan.map(|p| p.as_str()), plan, "{dialect}");
        assert!(acme.members.is_some_and(|n| n > 3), "{dialect}: {acme:?}");
        assert!(acme.workspaces.as_ref().is_some_and(|w| w.len() >= 2), "{dialect}: several statuses");
        let pending_before = acme.pending_invitations.expect("the admin sees the invitations");
        assert!(pending_before >= 1, "{dialect}");
        // A member may not read the member or invitation lists: unknown, not zero.
        let seen_by_member = card(&home, &member, "acme-ml");
        assert_eq!((seen_by_member.members, seen_by_member.pending_invitations), (None, None), "{dialect}");
        assert!(seen_by_member.workspaces.is_some(), "{dialect}: the workspaces are visible");

        // A write moves the figures (the cache is written through).
        let acme_id = acme.organization.id;
        let sent = e
            .core
            .invite(&admin, acme_id, &["home.card@acme-ml.example".into()], "Organization Viewer")
            .await;
        assert!(sent.unwrap().iter().all(|o| o.error.is_none()), "{dialect}");
        let home = e.core.home().unwrap();
        assert_eq!(card(&home, &admin, "acme-ml").pending_invitations, Some(pending_before + 1), "{dialect}");
        assert_agrees(&e, card(&home, &admin, "acme-ml"), &format!("{dialect}: after the invitation"));

        // The active organization is marked per account.
        e.core.switch_organization(&multi, "orbit-labs").await.unwrap();
        let home = e.core.home().unwrap();
        assert!(card(&home, &multi, "orbit-labs").active, "{dialect}");
        assert!(!card(&home, &multi, "acme-ml").active, "{dialect}");

        // A signed-out account's organizations leave the page; the server gone, the rest still answers.
        e.core.logout(&member, false).await.unwrap();
        let Env { emu, dir: _dir, core, .. } = e;
        emu.shutdown().await;
        let home = core.home().unwrap();
        assert_eq!(home.accounts, 2, "{dialect}");
        assert!(home.organizations.iter().all(|o| o.account_id != member), "{dialect}");
        assert_eq!(
            home.organizations.len(),
            expected - core.organizations(&member).map_or(0, |o| o.len()),
            "{dialect}"
        );
    }
}

/// On a cache filled by hand: an organization fetched an hour ago is stale and says so (and so does
/// the page), a pending invitation without a status counts, teams and other invitations do not, and
/// workspaces are counted by status.
#[test]
fn freshness_and_counts_on_a_cache_filled_by_hand() {
    use chrono::{Duration, Utc};
    use serde_json::json;
    use uuid::Uuid;
    use zenml_pro_core::{account_id, cache_path, AccountRecord, AuthMethod, Cache, OrgSnapshot};

    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let user = Uuid::from_u128(1);
    let id = account_id("https://home.example.test", user);
    {
        let (cache, _) = Cache::open(&cache_path(dir.path())).unwrap();
        cache
            .upsert_account(&AccountRecord {
                id: id.clone(),
                base_url: "https://home.example.test".into(),
                user_id: user,
                user_email: Some("admin@home.example.test".into()),
                user_name: None,
                auth_method: AuthMethod::Key,
                device_id: None,
                token_expires_at: None,
                created_at: now,
                last_used_at: now,
                signed_in: true,
            })
            .unwrap();
        let snapshot = |oid: u128, name: &str, statuses: &[&str]| {
            let organization =
                serde_json::from_value(json!({"id": Uuid::from_u128(oid), "name": name})).unwrap();
            let workspaces = statuses
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    serde_json::from_value(
                        json!({"id": Uuid::from_u128(oid * 100 + i as u128), "name": format!("ws{i}"), "status": s}),
                    )
                    .unwrap()
                })
                .collect();
            let invitation = |n: u128, status: Option<&str>| {
                serde_json::from_value(
                    json!({"id": Uuid::from_u128(oid * 1000 + n), "email": format!("i{n}@home.example.test"), "status": status}),
                )
                .unwrap()
            };
            let members = vec![
                serde_json::from_value(json!({"user": {"id": Uuid::from_u128(oid * 10), "email": "a@home.example.test"}, "roles": []})).unwrap(),
                serde_json::from_value(json!({"user": {"id": Uuid::from_u128(oid * 10 + 1), "username": "bot", "is_service_account": true}, "roles": []})).unwrap(),
                serde_json::from_value(json!({"team": {"id": Uuid::from_u128(oid * 10 + 2), "name": "core"}, "roles": []})).unwrap(),
            ];
            OrgSnapshot {
                organization,
                workspaces,
                members,
                invitations: vec![
                    invitation(1, None),
                    invitation(2, Some("pending")),
                    invitation(3, Some("revoked")),
                ],
                roles: vec![],
                teams: vec![],
                reads: Default::default(),
            }
        };
        cache
            .replace_org_snapshot(&id, &snapshot(10, "fresh", &["available", "available", "failed"]), now)
            .unwrap();
        cache.replace_org_snapshot(&id, &snapshot(20, "old", &[]), now - Duration::hours(1)).unwrap();
    }
    let core = open_core(dir.path(), std::sync::Arc::new(zenml_pro_core::MemoryKeyring::new()));
    let home = core.home().unwrap();
    let names: Vec<&str> = home.organizations.iter().map(|o| o.organization.name.as_str()).collect();
    assert_eq!(names, ["fresh", "old"]);
    let (fresh, old) = (&home.organizations[0], &home.organizations[1]);
    assert_eq!((fresh.members, fresh.pending_invitations), (Some(2), Some(2)), "{fresh:?}");
    assert_eq!(fresh.workspaces, Some(vec![("available".to_owned(), 2), ("failed".to_owned(), 1)]));
    assert_eq!(old.workspaces, Some(vec![]), "none is not unknown");
    assert!(!fresh.stale && old.stale, "an hour old is stale");
    assert!(old.fetched_at < fresh.fetched_at);
    assert!(home.stale && home.fetched_at == Some(old.fetched_at), "the page is as old as its oldest card");
    assert_eq!(fresh.account, "admin@home.example.test");
}
