//! The journal's own version, its migrations and its retention.

use super::*;

/// A new journal gets its schema version; one written by a newer build is used as it is, not moved
/// aside and not migrated; one at an older version is migrated forward.
#[test]
fn a_journal_has_its_own_version_and_a_newer_one_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::paths::JOURNAL_FILE);
    let (journal, notices) = Journal::open(&path, false, None);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(version(&journal.conn).unwrap(), latest_version());
    journal.conn.execute_batch("PRAGMA user_version = 77;").unwrap();
    drop(journal);
    for read_only in [false, true] {
        let (journal, notices) = Journal::open(&path, read_only, None);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(journal.read_only, read_only);
        assert_eq!(version(&journal.conn).unwrap(), 77, "left as the newer build wrote it");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".corrupt-")), "{names:?}");
}

#[test]
fn a_retention_past_the_calendar_prunes_nothing_and_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = Journal::open(&dir.path().join(crate::paths::JOURNAL_FILE), false, None);
    for days in [u32::MAX, 100_000_000] {
        journal.set_setting(RETENTION_KEY, &days.to_string()).unwrap();
        assert_eq!(journal.retention_days().unwrap(), days);
        assert_eq!(journal.prune(chrono::Utc::now()).unwrap(), 0, "{days}");
    }
}
