//! The activity log: entries filtered and paged, undone once, undo claims raced, unknown kinds skipped.

use super::*;

fn change(kind: ActivityKind, org: &str, target: &str, error: Option<(&str, &str)>) -> NewActivity {
    NewActivity {
        account_id: "acc".into(),
        account_label: "admin@acme-ml.example".into(),
        org_id: format!("id-{org}"),
        org_name: org.into(),
        kind: Some(kind),
        target_id: Some(format!("id-{target}")),
        target_label: target.into(),
        detail: Some("Organization Viewer".into()),
        replaced: Replaced {
            roles: vec![PriorRole {
                id: "r1".into(),
                name: Some("Organization Member".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
        error: error.map(|(c, m)| (c.to_owned(), m.to_owned())),
        undo_of: None,
    }
}

/// Entries read back newest first with every field; each filter narrows them; paging counts all.
#[test]
fn entries_are_filtered_and_paged_newest_first() {
    let cache = Cache::open_in_memory().unwrap();
    let t0 = Utc::now();
    let a = cache
        .record_activity(&change(ActivityKind::RoleChange, "acme-ml", "Ana@x.example", None), t0)
        .unwrap();
    let b = cache
        .record_activity(
            &change(ActivityKind::Revoke, "Orbit-Labs", "li@x.example", Some(("forbidden", "refused"))),
            t0 + chrono::Duration::seconds(1),
        )
        .unwrap();
    let c = cache
        .record_activity(
            &change(ActivityKind::OrgRename, "acme-ml", "acme-ml", None),
            t0 + chrono::Duration::seconds(2),
        )
        .unwrap();
    let all = cache.activity(&ActivityQuery::default()).unwrap();
    assert_eq!(all.entries.iter().map(|e| e.id).collect::<Vec<_>>(), [c, b, a]);
    assert_eq!(all.total, 3);
    let first = &all.entries[2];
    assert_eq!(first.kind, ActivityKind::RoleChange);
    assert_eq!(first.target, "Ana@x.example");
    assert_eq!(first.replaced.roles[0].name.as_deref(), Some("Organization Member"));
    assert!(first.ok && first.undoable && first.undone_by.is_none());
    assert_eq!((first.at - t0).num_milliseconds(), 0);
    let failed = &all.entries[1];
    assert!(!failed.ok && !failed.undoable);
    assert_eq!((failed.error_code.as_deref(), failed.error.as_deref()), (Some("forbidden"), Some("refused")));

    let q = |f: fn(&mut ActivityQuery)| {
        let mut q = ActivityQuery::default();
        f(&mut q);
        cache.activity(&q).unwrap().entries.iter().map(|e| e.id).collect::<Vec<_>>()
    };
    assert_eq!(q(|q| q.failed = Some(true)), [b]);
    assert_eq!(q(|q| q.failed = Some(false)), [c, a]);
    assert_eq!(q(|q| q.kind = Some(ActivityKind::OrgRename)), [c]);
    assert_eq!(q(|q| q.org = Some("orbit-labs".into())), [b]);
    assert_eq!(q(|q| q.org = Some("id-acme-ml".into())), [c, a]);
    assert_eq!(q(|q| q.search = Some("ANA@".into())), [a]);
    assert_eq!(q(|q| q.account_id = Some("other".into())), Vec::<i64>::new());
    let page = cache.activity(&ActivityQuery { offset: 1, limit: Some(1), ..Default::default() }).unwrap();
    assert_eq!((page.entries.iter().map(|e| e.id).collect::<Vec<_>>(), page.total), (vec![b], 3));
}

/// An entry is marked undone once, by the successful entry that undoes it; not without one.
#[test]
fn an_entry_is_undone_once() {
    let cache = Cache::open_in_memory().unwrap();
    let now = Utc::now();
    let a = cache.record_activity(&change(ActivityKind::RoleChange, "o", "t", None), now).unwrap();
    assert!(!cache.mark_undone(a, now).unwrap(), "nothing undid it yet");
    let mut failed = change(ActivityKind::RoleChange, "o", "t", Some(("server", "boom")));
    failed.undo_of = Some(a);
    cache.record_activity(&failed, now).unwrap();
    assert!(!cache.mark_undone(a, now).unwrap(), "a failed undo undoes nothing");
    let mut undo = change(ActivityKind::RoleChange, "o", "t", None);
    undo.undo_of = Some(a);
    let u = cache.record_activity(&undo, now).unwrap();
    assert!(cache.mark_undone(a, now).unwrap());
    assert!(!cache.mark_undone(a, now).unwrap(), "only once");
    let e = cache.activity_entry(a).unwrap().unwrap();
    assert_eq!(e.undone_by, Some(u));
    assert!(e.undone_at.is_some() && !e.undoable);
    assert_eq!(cache.activity_entry(u).unwrap().unwrap().undo_of, Some(a));
    assert!(cache.activity_entry(9999).unwrap().is_none());
}

/// Two connections to one journal file race for one entry's undo claim: exactly one wins, every
/// time. The loser wins after a release, or once the claim is older than its time to live; an
/// entry marked undone is claimed by no one, and marking it clears the claim.
#[test]
fn two_processes_racing_for_one_undo_claim_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::paths::cache_path(dir.path());
    let (first, _) = Cache::open(&path).unwrap();
    let (second, _) = Cache::open(&path).unwrap();
    let now = Utc::now();
    let ids: Vec<i64> = (0..20)
        .map(|i| {
            first
                .record_activity(&change(ActivityKind::RoleChange, "o", &format!("t{i}"), None), now)
                .unwrap()
        })
        .collect();
    // Each connection on a thread of its own (a `Cache` is not `Sync`), meeting at a barrier before
    // every claim.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let racer = |cache: Cache, me: &'static str| {
        let (barrier, ids) = (barrier.clone(), ids.clone());
        std::thread::spawn(move || {
            let won: Vec<bool> = ids
                .iter()
                .map(|&id| {
                    barrier.wait();
                    cache.claim_undo(id, me, now).unwrap()
                })
                .collect();
            (cache, won)
        })
    };
    let (a, b) = (racer(first, "process-a"), racer(second, "process-b"));
    let ((first, a), (second, b)) = (a.join().unwrap(), b.join().unwrap());
    for (round, (a, b)) in a.iter().zip(&b).enumerate() {
        assert!(a ^ b, "round {round}: exactly one wins ({a}, {b})");
    }
    let id = first.record_activity(&change(ActivityKind::RoleChange, "o", "t", None), now).unwrap();
    assert!(first.claim_undo(id, "a", now).unwrap());
    assert!(!second.claim_undo(id, "b", now + chrono::Duration::minutes(9)).unwrap(), "still held");
    second.release_undo(id, "b").unwrap();
    assert!(!second.claim_undo(id, "b", now).unwrap(), "only its claimant releases it");
    first.release_undo(id, "a").unwrap();
    assert!(second.claim_undo(id, "b", now).unwrap(), "released");
    assert!(first.claim_undo(id, "a", now + chrono::Duration::minutes(11)).unwrap(), "lapsed");
    let mut undo = change(ActivityKind::RoleChange, "o", "t", None);
    undo.undo_of = Some(id);
    first.record_activity(&undo, now).unwrap();
    assert!(first.mark_undone(id, now).unwrap());
    let claimed: Option<String> = first
        .journal
        .conn
        .query_row("SELECT claimed_by FROM activity WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(claimed, None, "marking it undone clears the claim");
    assert!(!second.claim_undo(id, "b", now + chrono::Duration::hours(1)).unwrap(), "undone");
    assert!(!second.claim_undo(9999, "b", now).unwrap(), "no such entry");
}

/// A row of a kind this build does not know is skipped, not a failure of the list.
#[test]
fn an_unknown_kind_is_skipped() {
    let cache = Cache::open_in_memory().unwrap();
    let a = cache.record_activity(&change(ActivityKind::Invite, "o", "t", None), Utc::now()).unwrap();
    cache.journal.conn.execute("UPDATE activity SET kind = 'teleport' WHERE id = ?1", [a]).unwrap();
    cache.record_activity(&change(ActivityKind::Invite, "o", "u", None), Utc::now()).unwrap();
    let page = cache.activity(&ActivityQuery::default()).unwrap();
    assert_eq!(page.entries.len(), 1);
    assert!(cache.activity_entry(a).unwrap().is_none());
    assert_eq!(ActivityKind::parse("Role-Change"), Some(ActivityKind::RoleChange));
    for k in ActivityKind::ALL {
        assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
    }
}
