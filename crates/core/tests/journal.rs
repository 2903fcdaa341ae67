//! The activity journal outlives the cache, and readers never wait on writers: on temp-dir files.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use uuid::Uuid;
use zenml_pro_core::cache::{NewActivity, Replaced, DEFAULT_RETENTION_DAYS};
use zenml_pro_core::paths::journal_path;
use zenml_pro_core::{
    account_id, cache_path, AccountRecord, ActivityKind, ActivityQuery, AuthMethod, Cache, CacheNotice, Core,
    CoreOptions, MemoryKeyring,
};

const BASE: &str = "https://cloudapi.example.test";

fn change(account: &str, target: &str) -> NewActivity {
    NewActivity {
        account_id: account.into(),
        account_label: format!("{account}@example.test"),
        org_id: "org-1".into(),
        org_name: "acme".into(),
        kind: Some(ActivityKind::RoleChange),
        target_id: Some(format!("id-{target}")),
        target_label: target.into(),
        detail: Some("Organization Viewer".into()),
        replaced: Replaced { name: Some("before".into()), ..Default::default() },
        error: None,
        undo_of: None,
    }
}

fn open(dir: &Path) -> Cache {
    let (cache, notice) = Cache::open(&cache_path(dir)).expect("open");
    assert_eq!(notice, None);
    cache
}

fn targets(cache: &Cache) -> Vec<String> {
    cache.activity(&ActivityQuery::default()).unwrap().entries.into_iter().map(|e| e.target).collect()
}

fn account(user: Uuid) -> AccountRecord {
    // Whole seconds: the cache keeps microseconds.
    let now = chrono::DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    AccountRecord {
        id: account_id(BASE, user),
        base_url: BASE.into(),
        user_id: user,
        user_email: Some("admin@example.test".into()),
        user_name: None,
        auth_method: AuthMethod::Key,
        device_id: None,
        token_expires_at: None,
        created_at: now,
        last_used_at: now,
        signed_in: true,
    }
}

fn options(dir: &Path) -> CoreOptions {
    CoreOptions {
        data_dir: dir.to_path_buf(),
        secrets: Arc::new(MemoryKeyring::new()),
        client: common::quick_retries(),
    }
}

/// Garbage in the cache file: the cache is moved aside and rebuilt, the journal keeps every entry; a
/// rebuild after a failed check keeps them too.
#[test]
fn a_cache_moved_aside_keeps_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let cache = open(dir.path());
    assert_eq!(cache.journal_path(), Some(journal_path(dir.path()).as_path()));
    cache.record_activity(&change("acc", "ana@example.test"), Utc::now()).unwrap();
    cache.record_activity(&change("acc", "li@example.test"), Utc::now()).unwrap();
    drop(cache);

    std::fs::write(cache_path(dir.path()), vec![0x5Au8; 8192]).unwrap();
    let (cache, notice) = Cache::open(&cache_path(dir.path())).unwrap();
    assert!(matches!(notice, Some(CacheNotice::Rebuilt { .. })), "{notice:?}");
    assert_eq!(targets(&cache), ["li@example.test", "ana@example.test"]);
    drop(cache);

    let (cache, notice) = Cache::rebuild(&cache_path(dir.path()), "a test").unwrap();
    assert!(matches!(notice, CacheNotice::Rebuilt { .. }), "{notice:?}");
    assert_eq!(targets(&cache).len(), 2, "a rebuild keeps the journal");
}

/// The journal is the user's alone: its file, and its -wal and -shm while open, have mode 0600.
#[cfg(unix)]
#[test]
fn the_journal_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = open(dir.path());
    cache.record_activity(&change("acc", "t"), Utc::now()).unwrap();
    let path = journal_path(dir.path());
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        let mode = std::fs::metadata(&file).unwrap_or_else(|e| panic!("{file:?}: {e}")).permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file:?}: {mode:o}");
    }
}

/// Entries older than the retention are pruned at open and when it is set; 0 keeps everything.
#[test]
fn retention_prunes_old_entries() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    {
        let cache = open(dir.path());
        assert_eq!(cache.activity_retention_days().unwrap(), DEFAULT_RETENTION_DAYS);
        assert_eq!(DEFAULT_RETENTION_DAYS, 180);
        cache.set_activity_retention_days(0).unwrap();
        cache.record_activity(&change("acc", "ancient"), now - Duration::days(400)).unwrap();
        cache.record_activity(&change("acc", "old"), now - Duration::days(200)).unwrap();
        cache.record_activity(&change("acc", "recent"), now - Duration::days(10)).unwrap();
    }
    let cache = open(dir.path());
    assert_eq!(targets(&cache), ["recent", "old", "ancient"], "0 keeps every entry");
    // Through the generic setting (no prune yet): the next open prunes.
    cache.set_setting(zenml_pro_core::cache::RETENTION_KEY, "180").unwrap();
    assert_eq!(targets(&cache).len(), 3);
    drop(cache);
    let cache = open(dir.path());
    assert_eq!(cache.activity_retention_days().unwrap(), 180, "kept in the journal");
    assert_eq!(targets(&cache), ["recent"]);
    cache.set_activity_retention_days(5).unwrap();
    assert!(targets(&cache).is_empty(), "setting it prunes at once");
    // Recording prunes too: an entry older than the retention does not stay.
    cache.record_activity(&change("acc", "late"), now - Duration::days(6)).unwrap();
    cache.record_activity(&change("acc", "today"), now).unwrap();
    assert_eq!(targets(&cache), ["today"]);
    // The setting outlives the cache.
    drop(cache);
    std::fs::write(cache_path(dir.path()), b"not a database at all, not even close to one").unwrap();
    let (cache, _) = Cache::open(&cache_path(dir.path())).unwrap();
    assert_eq!(cache.activity_retention_days().unwrap(), 5);
}

/// Signing out with purge removes that account's entries, and only theirs.
#[tokio::test]
async fn logout_with_purge_removes_only_that_accounts_entries() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (account(Uuid::from_u128(1)), account(Uuid::from_u128(2)));
    {
        let cache = open(dir.path());
        for a in [&one, &two] {
            cache.upsert_account(a).unwrap();
            cache.record_activity(&change(&a.id, &format!("by-{}", a.user_id)), Utc::now()).unwrap();
        }
    }
    let (core, _) = Core::open(options(dir.path())).unwrap();
    assert_eq!(core.activity(&ActivityQuery::default()).unwrap().total, 2);
    core.logout(&two.id, false).await.unwrap();
    assert_eq!(core.activity(&ActivityQuery::default()).unwrap().total, 2, "without purge they stay");
    core.logout(&one.id, true).await.unwrap();
    let left = core.activity(&ActivityQuery::default()).unwrap();
    assert_eq!(left.entries.iter().map(|e| e.account_id.as_str()).collect::<Vec<_>>(), [two.id.as_str()]);
}

/// A damaged journal is moved aside with a notice; start-up goes on and the new journal works.
#[test]
fn a_damaged_journal_is_moved_aside_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(journal_path(dir.path()), &garbage).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", journal_path(dir.path()).display()));
    }
    let (cache, notice) = Cache::open(&cache_path(dir.path())).unwrap();
    let Some(CacheNotice::JournalMovedAside { moved_to, .. }) = notice.clone() else {
        panic!("expected the journal moved aside: {notice:?}");
    };
    assert_eq!(std::fs::read(&moved_to).unwrap(), garbage, "kept as it was");
    assert!(notice.unwrap().to_string().contains("activity log"));
    cache.record_activity(&change("acc", "t"), Utc::now()).unwrap();
    assert_eq!(targets(&cache), ["t"]);
}

/// Entries an older build kept in the cache's own table move into the journal once, keeping their
/// ids and the link between an undo and what it undid; opening again copies nothing twice.
#[test]
fn entries_of_an_old_cache_move_into_the_journal_once() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    std::fs::remove_file(journal_path(dir.path())).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", journal_path(dir.path()).display()));
    }
    {
        let raw = rusqlite::Connection::open(cache_path(dir.path())).unwrap();
        raw.execute_batch(
            "INSERT INTO activity (id, at, account_id, account_label, org_id, org_name, org_name_lc, kind,
                 target_id, target_label, target_lc, ok, undo_of, undone_at, undone_by)
             VALUES (7, '2099-01-01T00:00:00.000000Z', 'acc', 'a', 'o', 'acme', 'acme', 'role_change',
                     'u1', 'ana@example.test', 'ana@example.test', 1, NULL, '2099-01-01T00:01:00.000000Z', 9),
                    (9, '2099-01-01T00:01:00.000000Z', 'acc', 'a', 'o', 'acme', 'acme', 'role_change',
                     'u1', 'ana@example.test', 'ana@example.test', 1, 7, NULL, NULL);",
        )
        .unwrap();
    }
    let cache = open(dir.path());
    let e7 = cache.activity_entry(7).unwrap().expect("kept its id");
    let e9 = cache.activity_entry(9).unwrap().expect("kept its id");
    assert_eq!((e7.undone_by, e9.undo_of), (Some(9), Some(7)));
    assert!(!e7.undoable);
    drop(cache);
    let raw = rusqlite::Connection::open(cache_path(dir.path())).unwrap();
    let left: i64 = raw.query_row("SELECT count(*) FROM activity", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "moved, not copied");
    // Copied again (a crash before the delete): nothing doubles.
    raw.execute_batch(
        "INSERT INTO activity (id, at, account_id, account_label, org_id, org_name, org_name_lc, kind,
             target_id, target_label, target_lc, ok)
         VALUES (7, '2099-01-01T00:00:00.000000Z', 'acc', 'a', 'o', 'acme', 'acme', 'role_change',
                 'u1', 'ana@example.test', 'ana@example.test', 1);",
    )
    .unwrap();
    drop(raw);
    let cache = open(dir.path());
    assert_eq!(cache.activity(&ActivityQuery::default()).unwrap().total, 2);
}

/// A read-only open neither waits for nor blocks on another connection's write transaction, on the
/// cache or on the journal, and reads what was committed.
#[test]
fn a_read_only_open_reads_while_another_connection_writes() {
    let dir = tempfile::tempdir().unwrap();
    let a = account(Uuid::from_u128(1));
    {
        let cache = open(dir.path());
        cache.upsert_account(&a).unwrap();
        cache.record_activity(&change(&a.id, "committed"), Utc::now()).unwrap();
    }
    // Another process's writer, mid-transaction on both files.
    let writer = rusqlite::Connection::open(cache_path(dir.path())).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('k', 'v');").unwrap();
    let journal_writer = rusqlite::Connection::open(journal_path(dir.path())).unwrap();
    journal_writer.execute_batch("BEGIN IMMEDIATE; DELETE FROM activity;").unwrap();

    let started = Instant::now();
    let (reader, notice) = Cache::open_read_only(&cache_path(dir.path())).unwrap();
    assert_eq!(notice, None);
    assert!(reader.is_read_only() && reader.journal_is_read_only());
    assert_eq!(reader.accounts().unwrap(), vec![a.clone()]);
    assert_eq!(reader.setting("k").unwrap(), None, "not what is uncommitted");
    assert_eq!(targets(&reader), ["committed"]);
    assert!(started.elapsed() < StdDuration::from_secs(2), "waited {:?}", started.elapsed());
    assert!(reader.set_setting("x", "y").is_err(), "it only reads");

    // The same through the core, as `zpro orgs` opens it.
    let started = Instant::now();
    let (core, _) = Core::open_read_only(options(dir.path())).unwrap();
    assert_eq!(core.accounts().unwrap().len(), 1);
    assert_eq!(core.activity(&ActivityQuery::default()).unwrap().total, 1);
    assert!(started.elapsed() < StdDuration::from_secs(2), "waited {:?}", started.elapsed());
    writer.execute_batch("COMMIT").unwrap();
    journal_writer.execute_batch("ROLLBACK").unwrap();
    assert_eq!(reader.setting("k").unwrap().as_deref(), Some("v"), "sees it once committed");
}

/// A read-only open of a file that does not exist yet, or needs migrating, opens it read-write.
#[test]
fn a_read_only_open_of_a_new_or_old_file_migrates_it() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, notice) = Cache::open_read_only(&cache_path(dir.path())).unwrap();
    assert_eq!(notice, None);
    assert!(!cache.is_read_only(), "created");
    drop(cache);
    let raw = rusqlite::Connection::open(cache_path(dir.path())).unwrap();
    raw.execute_batch("PRAGMA user_version = 4;").unwrap();
    drop(raw);
    let (cache, _) = Cache::open_read_only(&cache_path(dir.path())).unwrap();
    assert!(!cache.is_read_only(), "migrated");
    drop(cache);
    let (cache, _) = Cache::open_read_only(&cache_path(dir.path())).unwrap();
    assert!(cache.is_read_only(), "current: read-only");
}

/// A cache of a newer schema that another process has open is never moved aside, by a writer's open
/// or a reader's; both read what they can.
#[test]
fn a_newer_schema_cache_is_not_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let a = account(Uuid::from_u128(1));
    {
        let cache = open(dir.path());
        cache.upsert_account(&a).unwrap();
        cache.record_activity(&change(&a.id, "t"), Utc::now()).unwrap();
    }
    let newer = rusqlite::Connection::open(cache_path(dir.path())).unwrap();
    newer.execute_batch("ALTER TABLE accounts ADD COLUMN future TEXT; PRAGMA user_version = 42;").unwrap();
    for read_only in [false, true] {
        let (cache, notice) = if read_only {
            Cache::open_read_only(&cache_path(dir.path())).unwrap()
        } else {
            Cache::open(&cache_path(dir.path())).unwrap()
        };
        assert_eq!(notice, Some(CacheNotice::NewerSchema { version: 42, known: 5 }));
        assert!(cache.is_read_only());
        assert_eq!(cache.accounts().unwrap(), vec![a.clone()]);
        assert_eq!(targets(&cache), ["t"], "the journal is its own file, at its own version");
    }
    let (core, notice) = Core::open(options(dir.path())).unwrap();
    assert!(matches!(notice, Some(CacheNotice::NewerSchema { .. })));
    assert_eq!(core.accounts().unwrap().len(), 1);
    let v: i64 = newer.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 42);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".newer-") || n.contains(".corrupt-")), "{names:?}");
}
