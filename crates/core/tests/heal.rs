//! The cache heals itself: damage found by the background check, or by a read, moves the file aside
//! and a fresh cache takes its place; the data directory and the database are the user's alone.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;
use zenml_pro_core::{
    account_id, cache_path, AccountRecord, AuthMethod, Cache, CacheNotice, MemberQuery, MemoryKeyring,
    OrgSnapshot,
};

const BASE: &str = "https://cloudapi.example.test";

/// A cache file with one account and an organization of `n` members; returns (account, org).
fn write_cache(dir: &Path, n: usize) -> (String, Uuid) {
    let (cache, _) = Cache::open(&cache_path(dir)).unwrap();
    let me = Uuid::from_u128(7);
    let acc = account_id(BASE, me);
    let now = Utc::now();
    cache
        .upsert_account(&AccountRecord {
            id: acc.clone(),
            base_url: BASE.into(),
            user_id: me,
            user_email: None,
            user_name: None,
            auth_method: AuthMethod::Key,
            device_id: None,
            token_expires_at: None,
            created_at: now,
            last_used_at: now,
            signed_in: true,
        })
        .unwrap();
    let org = Uuid::from_u128(100);
    let members = (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "user": {"id": Uuid::from_u128(10_000 + i as u128), "name": format!("User {i:05}"),
                         "email": format!("user{i}@example.test")},
                "roles": [{"role_id": Uuid::from_u128(1), "name": "Organization Viewer"}]
            }))
            .unwrap()
        })
        .collect();
    let snapshot = OrgSnapshot {
        organization: serde_json::from_value(json!({"id": org, "name": "acme"})).unwrap(),
        workspaces: vec![],
        members,
        invitations: vec![],
        roles: vec![],
        teams: vec![],
        reads: Default::default(),
    };
    cache.replace_org_snapshot(&acc, &snapshot, now).unwrap();
    (acc, org)
}

/// Overwrites the last pages of the file, where the member rows written last live.
fn damage_the_end(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let pages = bytes.len() / 4096;
    assert!(pages > 40, "{pages}");
    for b in &mut bytes[(pages - 8) * 4096..] {
        *b = 0x5A;
    }
    std::fs::write(path, &bytes).unwrap();
}

#[test]
fn the_background_check_finds_damage_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let (acc, _) = write_cache(dir.path(), 2000);
    damage_the_end(&cache_path(dir.path()));
    let core = common::open_core(dir.path(), Arc::new(MemoryKeyring::new()));
    let notice = core.verify_cache().unwrap().expect("damage found");
    let CacheNotice::Rebuilt { moved_to, .. } = &notice else { panic!("expected a rebuild: {notice:?}") };
    assert!(moved_to.exists());
    assert_eq!(core.take_cache_notice(), Some(notice));
    assert_eq!(core.take_cache_notice(), None, "told once");
    assert!(core.account(&acc).is_err(), "the fresh cache fills again at the next sign-in and sync");
    assert_eq!(core.verify_cache().unwrap(), None, "the new file is sound");
}

#[test]
fn a_read_that_finds_damage_rebuilds_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (acc, org) = write_cache(dir.path(), 2000);
    damage_the_end(&cache_path(dir.path()));
    let core = common::open_core(dir.path(), Arc::new(MemoryKeyring::new()));
    let err = core.members(&acc, org, &MemberQuery::default()).unwrap_err();
    assert!(err.message.contains("moved to"), "{}", err.message);
    assert!(core.take_cache_notice().is_some());
    // The app carries on with the fresh cache.
    assert!(core.accounts().unwrap().is_empty());
    assert_eq!(core.verify_cache().unwrap(), None);
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_the_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    write_cache(&dir, 3);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&cache_path(&dir)), 0o600);
}
