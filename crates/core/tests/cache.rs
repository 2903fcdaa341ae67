//! The offline cache, on temp-dir files and in-memory databases.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRole, MemberRow, Organization, Role, RoleLevel, Team, Workspace};
use zenml_pro_core::cache::entity;
use zenml_pro_core::keyring::{MemoryKeyring, SecretKind, SecretStore};
use zenml_pro_core::{
    account_id, cache_path, AccountRecord, AuthMethod, Cache, CacheError, CacheNotice, MemberKind,
    MemberQuery, OrgSnapshot, SyncOutcome,
};

const BASE: &str = "https://cloudapi.example.test";

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).single().expect("a valid time")
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 + n)
}

fn account(user: Uuid) -> AccountRecord {
    AccountRecord {
        id: account_id(BASE, user),
        base_url: BASE.into(),
        user_id: user,
        user_email: Some("admin@example.test".into()),
        user_name: Some("Admin".into()),
        auth_method: AuthMethod::Device,
        device_id: Some(id(9999)),
        token_expires_at: Some(at(3600)),
        created_at: at(0),
        last_used_at: at(10),
        signed_in: true,
    }
}

fn org(oid: Uuid, name: &str) -> Organization {
    serde_json::from_value(json!({
        "id": oid, "name": name, "description": "desc", "created": "2024-01-01T00:00:00Z",
        "updated": "2024-01-01T00:00:00Z", "plan": "pro", "display_name": name.to_uppercase()
    }))
    .expect("an organization")
}

fn role(rid: Uuid, name: &str) -> Role {
    serde_json::from_value(json!({"id": rid, "name": name, "level": "organization"})).expect("a role")
}

fn member_role(r: &Role) -> MemberRole {
    MemberRole {
        role_id: r.id,
        name: Some(r.name.clone()),
        level: Some(RoleLevel::Organization),
        via_team: false,
    }
}

fn user_row(uid: Uuid, name: &str, email: &str, service_account: bool, roles: &[&Role]) -> MemberRow {
    serde_json::from_value(json!({
        "user": {"id": uid, "name": name, "username": name.to_lowercase().replace(' ', "."), "email": email,
                 "is_service_account": service_account},
        "roles": roles.iter().map(|r| member_role(r)).collect::<Vec<_>>(),
    }))
    .expect("a member row")
}

fn invitation(iid: Uuid, email: &str, status: &str, r: &Role) -> Invitation {
    serde_json::from_value(json!({
        "id": iid, "email": email, "status": status, "role": {"id": r.id, "name": r.name}
    }))
    .expect("an invitation")
}

fn workspace(wid: Uuid, name: &str, o: &Organization, status: &str) -> Workspace {
    serde_json::from_value(json!({
        "id": wid, "name": name, "organization": o, "status": status,
        "zenml_service": {"status": {"server_url": "https://ws.example.test"}}
    }))
    .expect("a workspace")
}

fn team(tid: Uuid, name: &str) -> Team {
    serde_json::from_value(json!({"id": tid, "name": name, "member_count": 2})).expect("a team")
}

/// An organization with `n` users (every third an admin), a team row, two invitations (one pending)
/// and a pending-invitation row.
fn snapshot(oid: Uuid, name: &str, n: usize) -> OrgSnapshot {
    let organization = org(oid, name);
    let admin = role(id(1), "Organization Admin");
    let viewer = role(id(2), "Organization Viewer");
    let mut members: Vec<MemberRow> = (0..n)
        .map(|i| {
            let r = if i % 3 == 0 { &admin } else { &viewer };
            user_row(
                id(10_000 + i as u128),
                &format!("User {i:05}"),
                &format!("user{i}@example.test"),
                false,
                &[r],
            )
        })
        .collect();
    let pending = invitation(id(500), "new.person@example.test", "pending", &viewer);
    let accepted = invitation(id(501), "old.person@example.test", "accepted", &viewer);
    members.push(
        serde_json::from_value(json!({"team": team(id(600), "ML Team"), "roles": [member_role(&viewer)]}))
            .expect("a team row"),
    );
    members.push(MemberRow {
        user: None,
        team: None,
        invitation: Some(pending.clone()),
        roles: vec![member_role(&viewer)],
    });
    OrgSnapshot {
        workspaces: vec![
            workspace(id(700), "prod", &organization, "available"),
            workspace(id(701), "dev", &organization, "deactivated"),
        ],
        organization,
        members,
        invitations: vec![pending, accepted],
        roles: vec![admin, viewer],
        teams: vec![team(id(600), "ML Team")],
        reads: Default::default(),
    }
}

fn open(path: &Path) -> Cache {
    let (cache, notice) = Cache::open(path).expect("open the cache");
    assert_eq!(notice, None);
    cache
}

fn all_members(c: &Cache, acc: &str, oid: Uuid) -> usize {
    c.members(acc, oid, &MemberQuery::default()).expect("members").value.total
}

/// A cache written by the first schema (before lists kept their read state) opens, migrates and keeps
/// its data; its lists read as fully read and visible.
#[test]
fn a_first_schema_cache_migrates_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    let a = account(id(1));
    {
        let cache = open(&path);
        cache.upsert_account(&a).unwrap();
        cache.replace_org_snapshot(&a.id, &snapshot(id(100), "acme", 3), at(5)).unwrap();
    }
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(
            "ALTER TABLE sync_state DROP COLUMN hidden; ALTER TABLE sync_state DROP COLUMN notes;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let (cache, notice) = Cache::open(&path).unwrap();
    assert_eq!(notice, None, "migrated, not rebuilt");
    assert_eq!(cache.members(&a.id, id(100), &MemberQuery::default()).unwrap().value.total, 5);
    let states = cache.sync_states(&a.id).unwrap();
    assert!(!states.is_empty());
    assert!(states.iter().all(|s| !s.read.hidden && s.read.notes.is_empty()));
}

/// A fresh file gets the whole schema, WAL mode and the current schema version.
#[test]
fn migrates_a_fresh_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(&dir.path().join("nested").join("data"));
    let cache = open(&path);
    assert_eq!(cache.path(), Some(path.as_path()));
    assert!(cache.accounts().unwrap().is_empty());
    drop(cache);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = raw.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 5, "schema 5: the activity log");
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let tables: i64 =
        raw.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 11);
}

/// Reopening keeps accounts, settings, snapshots and the active organization.
#[test]
fn reopening_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    let a = account(id(1));
    {
        let cache = open(&path);
        cache.set_setting("client_id", "c-1").unwrap();
        cache.upsert_account(&a).unwrap();
        cache.replace_org_snapshot(&a.id, &snapshot(id(100), "acme", 5), at(20)).unwrap();
        cache.set_active_org(&a.id, id(100)).unwrap();
    }
    let cache = open(&path);
    assert_eq!(cache.setting("client_id").unwrap().as_deref(), Some("c-1"));
    assert_eq!(cache.setting("missing").unwrap(), None);
    assert_eq!(cache.accounts().unwrap(), vec![a.clone()]);
    assert_eq!(cache.active_org(&a.id).unwrap(), Some(id(100)));
    assert_eq!(all_members(&cache, &a.id, id(100)), 7);
    let orgs = cache.organizations(&a.id).unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].value, org(id(100), "acme"), "the whole wire record comes back");
    assert_eq!(orgs[0].fetched_at, at(20));
}

/// A file of random bytes is moved aside with a notice, and the new cache works.
#[test]
fn garbage_file_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let (cache, notice) = Cache::open(&path).unwrap();
    let Some(CacheNotice::Rebuilt { moved_to, reason }) = notice.clone() else {
        panic!("expected a rebuilt notice, got {notice:?}");
    };
    assert!(
        moved_to.file_name().unwrap().to_string_lossy().starts_with("cache.sqlite3.corrupt-"),
        "{moved_to:?}"
    );
    assert_eq!(std::fs::read(&moved_to).unwrap(), garbage, "the old file is kept as it was");
    assert!(reason.contains("not a usable database"), "{reason}");
    let message = notice.unwrap().to_string();
    assert!(message.contains("moved to") && message.contains("next sync"), "{message}");
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    cache.replace_org_snapshot(&a.id, &snapshot(id(100), "acme", 3), at(1)).unwrap();
    drop(cache);
    let cache = open(&path);
    assert_eq!(all_members(&cache, &a.id, id(100)), 5);
}

/// A database damaged inside (valid header, garbage pages) fails the integrity check and is rebuilt.
#[test]
fn damaged_pages_are_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    {
        let cache = open(&path);
        let a = account(id(1));
        cache.upsert_account(&a).unwrap();
        cache.replace_org_snapshot(&a.id, &snapshot(id(100), "acme", 300), at(1)).unwrap();
    }
    // Closing the last connection checkpointed the WAL into the main file.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096, "{}", bytes.len());
    let end = bytes.len() - 4096;
    for b in &mut bytes[4096..end] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let (cache, notice) = Cache::open(&path).unwrap();
    assert!(matches!(notice, Some(CacheNotice::Rebuilt { .. })), "{notice:?}");
    assert!(cache.accounts().unwrap().is_empty());
}

/// Damage in the large tables, which opening does not read, is found by the full check, and the file is
/// then rebuilt with a notice.
#[test]
fn full_check_finds_damage_in_large_tables_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    {
        let cache = open(&path);
        let a = account(id(1));
        cache.upsert_account(&a).unwrap();
        cache.replace_org_snapshot(&a.id, &snapshot(id(100), "acme", 2000), at(1)).unwrap();
        cache.check_integrity().unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let pages = bytes.len() / 4096;
    assert!(pages > 40, "{pages}");
    // The last pages hold member rows and index entries written last.
    for b in &mut bytes[(pages - 8) * 4096..] {
        *b = 0x5A;
    }
    std::fs::write(&path, &bytes).unwrap();
    let cache = open(&path);
    let err = cache.check_integrity().unwrap_err();
    assert!(matches!(err, CacheError::Corrupt(_)), "{err}");
    drop(cache);
    let (cache, notice) = Cache::rebuild(&path, &err.to_string()).unwrap();
    let CacheNotice::Rebuilt { moved_to, .. } = notice else { panic!("expected a rebuild: {notice:?}") };
    assert!(moved_to.exists());
    assert!(cache.accounts().unwrap().is_empty());
    cache.check_integrity().unwrap();
}

/// A cache written by a newer build (higher schema version) is not damage: it is read as it is,
/// read-only, never moved aside or changed, and the notice says so.
#[test]
fn newer_schema_is_read_not_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    let a = account(id(1));
    {
        let cache = open(&path);
        cache.upsert_account(&a).unwrap();
    }
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let (cache, notice) = Cache::open(&path).unwrap();
    let Some(CacheNotice::NewerSchema { version, known }) = notice.clone() else {
        panic!("expected a newer-schema notice, got {notice:?}");
    };
    assert_eq!((version, known), (99, 5));
    assert!(notice.unwrap().to_string().contains("newer version"));
    assert!(cache.is_read_only());
    assert_eq!(cache.accounts().unwrap(), vec![a.clone()], "read as it is");
    assert!(cache.set_setting("client_id", "x").is_err(), "and never changed");
    drop(cache);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".newer-") || n.contains(".corrupt-")), "{names:?}");
    let raw = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = raw.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 99, "the newer file is kept intact");
}

/// A snapshot replaces the organization's data: records missing from the new one disappear, and every
/// list is stamped with the snapshot's time.
#[test]
fn snapshot_replaces_everything() {
    let cache = Cache::open_in_memory().unwrap();
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    let oid = id(100);
    cache.replace_org_snapshot(&a.id, &snapshot(oid, "acme", 10), at(1)).unwrap();
    assert_eq!(all_members(&cache, &a.id, oid), 12);

    let mut smaller = snapshot(oid, "acme-renamed", 4);
    smaller.workspaces.truncate(1);
    smaller.invitations.truncate(1);
    smaller.roles.truncate(1);
    smaller.teams.clear();
    cache.replace_org_snapshot(&a.id, &smaller, at(2)).unwrap();

    assert_eq!(all_members(&cache, &a.id, oid), 6);
    let ws = cache.workspaces(&a.id, oid).unwrap();
    assert_eq!(ws.fetched_at, at(2));
    assert_eq!(ws.value.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["prod"]);
    assert_eq!(ws.value[0].server_url(), Some("https://ws.example.test"));
    assert_eq!(cache.invitations(&a.id, oid, false).unwrap().value.len(), 1);
    assert_eq!(cache.roles(&a.id, oid).unwrap().value.len(), 1);
    assert!(cache.teams(&a.id, oid).unwrap().value.is_empty());
    assert_eq!(cache.organization(&a.id, "acme-renamed").unwrap().unwrap().value.id, oid);
    assert_eq!(cache.organization(&a.id, "acme").unwrap(), None);
    assert_eq!(cache.organization(&a.id, &oid.to_string()).unwrap().unwrap().fetched_at, at(2));
    let states = cache.sync_states(&a.id).unwrap();
    assert_eq!(states.len(), entity::OF_ORG.len());
    assert!(states
        .iter()
        .all(|s| s.org_id == Some(oid) && s.fetched_at == Some(at(2)) && s.outcome == SyncOutcome::Ok));
}

/// Two connections to one file: a reader counting members while a writer replaces snapshots of
/// different sizes only ever sees a complete snapshot.
#[test]
fn concurrent_reader_never_sees_half_an_org() {
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path());
    let writer = open(&path);
    let a = account(id(1));
    writer.upsert_account(&a).unwrap();
    let oid = id(100);
    let sizes = [50usize, 400, 7, 1200];
    let snaps: Vec<OrgSnapshot> = sizes.iter().map(|&n| snapshot(oid, "acme", n)).collect();
    writer.replace_org_snapshot(&a.id, &snaps[0], at(0)).unwrap();
    let complete: Vec<usize> = sizes.iter().map(|n| n + 2).collect();

    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (done, path, acc, complete) = (done.clone(), path.clone(), a.id.clone(), complete.clone());
        std::thread::spawn(move || {
            let reader = open(&path);
            let mut reads = 0usize;
            let mut seen = std::collections::HashSet::new();
            while !done.load(Ordering::Relaxed) || reads < 20 {
                let page = reader.members(&acc, oid, &MemberQuery::default()).unwrap().value;
                assert_eq!(page.rows.len(), page.total);
                assert!(complete.contains(&page.total), "saw a half-written org: {} members", page.total);
                let admins = reader
                    .members(
                        &acc,
                        oid,
                        &MemberQuery { role: Some("Organization Admin".into()), ..Default::default() },
                    )
                    .unwrap()
                    .value
                    .total;
                assert!(admins > 0);
                seen.insert(page.total);
                reads += 1;
            }
            (reads, seen.len())
        })
    };
    for round in 0..12 {
        let snap = &snaps[round % snaps.len()];
        writer.replace_org_snapshot(&a.id, snap, at(round as i64)).unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let (reads, distinct) = reader.join().expect("the reader thread");
    assert!(reads >= 20);
    assert!(distinct >= 1);
}

/// Organizations gone from the server are deleted with all their data and sync state; others stay.
#[test]
fn retain_organizations_cascades() {
    let cache = Cache::open_in_memory().unwrap();
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    let (keep, gone) = (id(100), id(101));
    cache.replace_org_snapshot(&a.id, &snapshot(keep, "keep", 3), at(1)).unwrap();
    cache.replace_org_snapshot(&a.id, &snapshot(gone, "gone", 3), at(1)).unwrap();
    cache.record_sync(&a.id, None, entity::ORGANIZATIONS, at(1), Ok(())).unwrap();
    assert_eq!(cache.retain_organizations(&a.id, &[keep]).unwrap(), 1);
    assert_eq!(cache.retain_organizations(&a.id, &[keep]).unwrap(), 0);
    let names: Vec<String> = cache.organizations(&a.id).unwrap().into_iter().map(|o| o.value.name).collect();
    assert_eq!(names, ["keep"]);
    assert!(matches!(cache.members(&a.id, gone, &MemberQuery::default()), Err(CacheError::NotFound(_))));
    assert!(matches!(cache.workspaces(&a.id, gone), Err(CacheError::NotFound(_))));
    assert!(cache.my_roles(&a.id, gone, id(10_000)).unwrap().is_empty());
    assert_eq!(all_members(&cache, &a.id, keep), 5);
    let states = cache.sync_states(&a.id).unwrap();
    assert!(states.iter().all(|s| s.org_id != Some(gone)));
    assert!(states.iter().any(|s| s.org_id.is_none() && s.entity == entity::ORGANIZATIONS));
}

/// Search (name, email, username, any case), role and kind filters, paging with totals, name order.
#[test]
fn member_filters_and_paging() {
    let cache = Cache::open_in_memory().unwrap();
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    let oid = id(100);
    let mut snap = snapshot(oid, "acme", 30);
    let viewer = snap.roles[1].clone();
    snap.members.push(user_row(id(900), "Deploy Bot", "bot@example.test", true, &[&viewer]));
    snap.members.push(user_row(id(901), "Zoë Ärger", "ZOE@Example.TEST", false, &[&viewer]));
    cache.replace_org_snapshot(&a.id, &snap, at(5)).unwrap();
    let q = |q: MemberQuery| cache.members(&a.id, oid, &q).unwrap();

    let all = q(MemberQuery::default());
    assert_eq!(all.value.total, 34);
    assert_eq!(all.fetched_at, at(5));
    let names: Vec<String> = all.value.rows.iter().map(display_name).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "ordered by name, ignoring case");

    let s = q(MemberQuery { search: Some("USER 0001".into()), ..Default::default() });
    assert_eq!(s.value.total, 10, "User 00010..00019 -> 10 rows, plus none else");
    let s = q(MemberQuery { search: Some("user7@EXAMPLE".into()), ..Default::default() });
    assert_eq!(s.value.total, 1, "by email, any case");
    let s = q(MemberQuery { search: Some("zoë ä".into()), ..Default::default() });
    assert_eq!(s.value.total, 1, "beyond ASCII");
    let s = q(MemberQuery { search: Some("zoe@example.test".into()), ..Default::default() });
    assert_eq!(s.value.total, 1);
    let s = q(MemberQuery { search: Some("user.00003".into()), ..Default::default() });
    assert_eq!(s.value.total, 1, "by username");
    let s = q(MemberQuery { search: Some("100%_".into()), ..Default::default() });
    assert_eq!(s.value.total, 0, "wildcards are literal");

    let admins = q(MemberQuery { role: Some("organization admin".into()), ..Default::default() });
    assert_eq!(admins.value.total, 10);
    let viewers = q(MemberQuery { role: Some("Organization Viewer".into()), ..Default::default() });
    assert_eq!(viewers.value.total, 20 + 1 + 1 + 2, "users, team, invitation, bot and Zoë");

    let bots = q(MemberQuery { kind: Some(MemberKind::ServiceAccount), ..Default::default() });
    assert_eq!(bots.value.rows.len(), 1);
    assert_eq!(bots.value.rows[0].user.as_ref().unwrap().name.as_deref(), Some("Deploy Bot"));
    assert_eq!(q(MemberQuery { kind: Some(MemberKind::Team), ..Default::default() }).value.total, 1);
    let inv = q(MemberQuery { kind: Some(MemberKind::Invitation), ..Default::default() });
    assert_eq!(inv.value.rows[0].invitation.as_ref().unwrap().email, "new.person@example.test");
    assert_eq!(q(MemberQuery { kind: Some(MemberKind::User), ..Default::default() }).value.total, 31);

    let combined = q(MemberQuery {
        search: Some("user 0000".into()),
        role: Some("Organization Admin".into()),
        kind: Some(MemberKind::User),
        ..Default::default()
    });
    assert_eq!(combined.value.total, 4, "User 00000, 00003, 00006, 00009");

    let mut pages = Vec::new();
    for page in 0..4 {
        let p = q(MemberQuery { offset: page * 10, limit: Some(10), ..Default::default() });
        assert_eq!(p.value.total, 34);
        pages.extend(p.value.rows);
    }
    assert_eq!(pages, all.value.rows, "pages join up to the whole list");
    let last = q(MemberQuery { offset: 30, limit: Some(10), ..Default::default() });
    assert_eq!(last.value.rows.len(), 4);
    let past = q(MemberQuery { offset: 100, limit: Some(10), ..Default::default() });
    assert!(past.value.rows.is_empty());
    assert_eq!(past.value.total, 34);
}

fn display_name(row: &MemberRow) -> String {
    if let Some(u) = &row.user {
        return u.name.clone().unwrap_or_default();
    }
    if let Some(t) = &row.team {
        return t.name.clone();
    }
    row.invitation.as_ref().map(|i| i.email.clone()).unwrap_or_default()
}

/// Each account has its own active organization; switching works without the organization cached.
#[test]
fn active_org_per_account() {
    let cache = Cache::open_in_memory().unwrap();
    let (a, b) = (account(id(1)), account(id(2)));
    cache.upsert_account(&a).unwrap();
    cache.upsert_account(&b).unwrap();
    assert_eq!(cache.active_org(&a.id).unwrap(), None);
    cache.set_active_org(&a.id, id(100)).unwrap();
    cache.set_active_org(&b.id, id(200)).unwrap();
    cache.set_active_org(&a.id, id(101)).unwrap();
    assert_eq!(cache.active_org(&a.id).unwrap(), Some(id(101)));
    assert_eq!(cache.active_org(&b.id).unwrap(), Some(id(200)));
    assert!(matches!(cache.set_active_org("nobody", id(1)), Err(CacheError::NotFound(_))));
}

/// Signing out without purge keeps the account (signed out) and its data; with purge everything goes.
#[test]
fn delete_account_with_and_without_purge() {
    let cache = Cache::open_in_memory().unwrap();
    let (a, b) = (account(id(1)), account(id(2)));
    for acc in [&a, &b] {
        cache.upsert_account(acc).unwrap();
        cache.replace_org_snapshot(&acc.id, &snapshot(id(100), "acme", 3), at(1)).unwrap();
        cache.set_active_org(&acc.id, id(100)).unwrap();
    }
    cache.delete_account(&a.id, false).unwrap();
    let kept = cache.account(&a.id).unwrap().unwrap();
    assert!(!kept.signed_in);
    assert_eq!(all_members(&cache, &a.id, id(100)), 5, "cached data stays readable");
    cache.set_signed_in(&a.id, true).unwrap();
    assert!(cache.account(&a.id).unwrap().unwrap().signed_in);

    cache.delete_account(&a.id, true).unwrap();
    assert_eq!(cache.account(&a.id).unwrap(), None);
    assert!(cache.organizations(&a.id).unwrap().is_empty());
    assert!(cache.sync_states(&a.id).unwrap().is_empty());
    assert_eq!(cache.active_org(&a.id).unwrap(), None);
    assert!(matches!(cache.members(&a.id, id(100), &MemberQuery::default()), Err(CacheError::NotFound(_))));
    cache.delete_account(&a.id, true).unwrap();
    assert!(matches!(cache.set_signed_in(&a.id, false), Err(CacheError::NotFound(_))));

    assert_eq!(all_members(&cache, &b.id, id(100)), 5, "the other account's slice is untouched");
    assert_eq!(cache.accounts().unwrap().len(), 1);
}

/// Upserting an account updates it; accounts list most recently used first.
#[test]
fn accounts_upsert_and_order() {
    let cache = Cache::open_in_memory().unwrap();
    let mut a = account(id(1));
    let mut b = account(id(2));
    b.auth_method = AuthMethod::Key;
    b.device_id = None;
    b.token_expires_at = None;
    b.last_used_at = at(100);
    cache.upsert_account(&a).unwrap();
    cache.upsert_account(&b).unwrap();
    assert_eq!(cache.accounts().unwrap(), vec![b.clone(), a.clone()]);
    a.last_used_at = at(200);
    a.auth_method = AuthMethod::Password;
    a.user_email = None;
    cache.upsert_account(&a).unwrap();
    assert_eq!(cache.accounts().unwrap(), vec![a.clone(), b]);
    assert_eq!(cache.account(&a.id).unwrap(), Some(a));
    assert_eq!(cache.account("nobody").unwrap(), None);
}

/// Account ids are stable, ignore a trailing slash, and differ per server and per user.
#[test]
fn account_ids_are_stable() {
    let u = id(1);
    assert_eq!(account_id(BASE, u), account_id(BASE, u));
    assert_eq!(account_id(BASE, u), account_id(&format!("{BASE}/"), u));
    assert_ne!(account_id(BASE, u), account_id("https://other.example.test/api/v1", u));
    assert_ne!(account_id(BASE, u), account_id(BASE, id(2)));
    assert!(Uuid::parse_str(&account_id(BASE, u)).is_ok());
    // Pinned: the id keys the keyring entries, so changing how it is derived would orphan them.
    assert_eq!(account_id(BASE, u), "bb4432b9-cd28-5373-91a4-03a0a37f3792");
}

/// The write-through helpers keep every table in step after a server write.
#[test]
fn write_through_helpers() {
    let cache = Cache::open_in_memory().unwrap();
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    let oid = id(100);
    let snap = snapshot(oid, "acme", 6);
    let (admin, viewer) = (snap.roles[0].clone(), snap.roles[1].clone());
    cache.replace_org_snapshot(&a.id, &snap, at(1)).unwrap();
    let invites = |c: &Cache| {
        c.members(&a.id, oid, &MemberQuery { kind: Some(MemberKind::Invitation), ..Default::default() })
            .unwrap()
            .value
    };

    // A new pending invitation appears in both lists, with its role (name looked up when missing).
    let mut fresh = invitation(id(502), "fresh@example.test", "pending", &admin);
    fresh.role.as_mut().unwrap().name = None;
    cache.put_invitation(&a.id, oid, &fresh).unwrap();
    assert_eq!(cache.invitations(&a.id, oid, true).unwrap().value.len(), 2);
    assert_eq!(invites(&cache).total, 2);
    let admins = cache
        .members(
            &a.id,
            oid,
            &MemberQuery {
                role: Some("Organization Admin".into()),
                search: Some("fresh".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(admins.value.total, 1);
    assert_eq!(admins.value.rows[0].roles[0].level, Some(RoleLevel::Organization));

    // It is accepted: still an invitation record, no longer a pending member row.
    let accepted = invitation(id(502), "fresh@example.test", "accepted", &admin);
    cache.put_invitation(&a.id, oid, &accepted).unwrap();
    assert_eq!(cache.invitations(&a.id, oid, true).unwrap().value.len(), 1);
    assert_eq!(cache.invitations(&a.id, oid, false).unwrap().value.len(), 3);
    assert_eq!(invites(&cache).total, 1);

    // Revoking removes both.
    cache.remove_invitation(&a.id, oid, id(500)).unwrap();
    assert_eq!(invites(&cache).total, 0);
    assert!(cache.invitations(&a.id, oid, false).unwrap().value.iter().all(|i| i.id != id(500)));

    // Changing a role updates the row and the role index; my_roles follows.
    let uid = id(10_001);
    assert_eq!(cache.my_roles(&a.id, oid, uid).unwrap(), ["Organization Viewer"]);
    cache
        .set_member_roles(
            &a.id,
            oid,
            uid,
            &[member_role(&admin), MemberRole { via_team: true, ..member_role(&viewer) }],
        )
        .unwrap();
    assert_eq!(cache.my_roles(&a.id, oid, uid).unwrap(), ["Organization Admin", "Organization Viewer"]);
    let row = cache
        .members(&a.id, oid, &MemberQuery { search: Some("user 00001".into()), ..Default::default() })
        .unwrap()
        .value
        .rows;
    assert_eq!(row[0].roles.len(), 2);
    cache.set_member_roles(&a.id, oid, id(4242), &[member_role(&admin)]).unwrap();

    // Removing a member drops the row and its roles.
    let before = all_members(&cache, &a.id, oid);
    cache.remove_member(&a.id, oid, uid).unwrap();
    assert_eq!(all_members(&cache, &a.id, oid), before - 1);
    assert!(cache.my_roles(&a.id, oid, uid).unwrap().is_empty());

    // Renaming keeps fetched_at; the new name finds it.
    let mut renamed = snap.organization.clone();
    renamed.name = "acme-2".into();
    renamed.description = Some("new words".into());
    cache.put_organization(&a.id, &renamed).unwrap();
    let o = cache.organization(&a.id, "acme-2").unwrap().unwrap();
    assert_eq!(o.value, renamed);
    assert_eq!(o.fetched_at, at(1));

    // Write-through to an organization that is not cached is refused, not silently half-done.
    let stray = invitation(id(503), "x@example.test", "pending", &admin);
    assert!(matches!(cache.put_invitation(&a.id, id(999), &stray), Err(CacheError::NotFound(_))));
}

/// A failed sync keeps the time of the last success, so reads still say how old they are.
#[test]
fn sync_state_records_failures_without_losing_age() {
    let cache = Cache::open_in_memory().unwrap();
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    let oid = id(100);
    cache.replace_org_snapshot(&a.id, &snapshot(oid, "acme", 2), at(10)).unwrap();
    cache.record_sync(&a.id, Some(oid), entity::MEMBERS, at(20), Err("server error 503")).unwrap();
    let members = cache.members(&a.id, oid, &MemberQuery::default()).unwrap();
    assert_eq!(members.fetched_at, at(10));
    let state = cache.sync_states(&a.id).unwrap().into_iter().find(|s| s.entity == entity::MEMBERS).unwrap();
    assert_eq!(state.fetched_at, Some(at(10)));
    assert_eq!(state.attempted_at, at(20));
    assert_eq!(state.outcome, SyncOutcome::Error("server error 503".into()));
    cache.record_sync(&a.id, Some(oid), entity::MEMBERS, at(30), Ok(())).unwrap();
    assert_eq!(cache.members(&a.id, oid, &MemberQuery::default()).unwrap().fetched_at, at(30));
    assert_eq!(cache.workspaces(&a.id, oid).unwrap().fetched_at, at(10));

    cache.record_sync(&a.id, None, entity::ORGANIZATIONS, at(40), Err("offline")).unwrap();
    let s = cache.sync_states(&a.id).unwrap().into_iter().find(|s| s.org_id.is_none()).unwrap();
    assert_eq!(s.fetched_at, None, "never fetched successfully");
    assert_eq!(s.outcome, SyncOutcome::Error("offline".into()));
    // A list with no sync state of its own falls back to the organization's time.
    let other = id(101);
    cache.put_organization(&a.id, &org(other, "bare")).unwrap();
    let fetched = cache.teams(&a.id, other).unwrap();
    assert!(fetched.value.is_empty());
    assert!(fetched.fetched_at > at(40) - Duration::days(1));
}

/// Snapshots need a known account; reads of an unknown organization say it is not cached.
#[test]
fn unknown_account_and_org_are_not_found() {
    let cache = Cache::open_in_memory().unwrap();
    assert!(matches!(
        cache.replace_org_snapshot("nobody", &snapshot(id(1), "x", 1), at(0)),
        Err(CacheError::NotFound(_))
    ));
    let a = account(id(1));
    cache.upsert_account(&a).unwrap();
    let e = cache.roles(&a.id, id(5)).unwrap_err();
    assert!(e.to_string().contains("not in the offline cache"), "{e}");
    assert!(cache.organizations(&a.id).unwrap().is_empty());
}

/// No file under the data directory holds a secret: tokens live in the keyring only.
#[test]
fn no_secret_reaches_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = "tok_3c1f9e2a-SECRET-do-not-store";
    let key = "ZENPROKEY_9b1d-SECRET-key";
    let keyring = MemoryKeyring::new();
    {
        let cache = open(&cache_path(&data));
        let a = account(id(1));
        keyring.set(&a.id, SecretKind::AccessToken, token).unwrap();
        keyring.set(&a.id, SecretKind::ApiKey, key).unwrap();
        cache.upsert_account(&a).unwrap();
        cache.set_setting("client_id", &id(77).to_string()).unwrap();
        cache.replace_org_snapshot(&a.id, &snapshot(id(100), "acme", 50), at(1)).unwrap();
        cache.set_active_org(&a.id, id(100)).unwrap();
        // Keep the connection open so the -wal file is there to be searched too.
        let mut files = Vec::new();
        walk(&data, &mut files);
        assert!(files.iter().any(|f| f.to_string_lossy().ends_with("-wal")), "{files:?}");
        assert_no_secret(&files, &[token, key]);
    }
    let mut files = Vec::new();
    walk(&data, &mut files);
    assert!(!files.is_empty());
    assert_no_secret(&files, &[token, key]);
    assert_eq!(keyring.len(), 2);
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn assert_no_secret(files: &[std::path::PathBuf], secrets: &[&str]) {
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        for s in secrets {
            assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()), "{} contains a secret", f.display());
        }
    }
}
