//! The access review, the activity log with undo, and exports written from the window, against the
//! emulator in both dialects: the review's sections and filters, an export that parses back with its
//! fetched-at stamp (and an existing file kept until replacing it is confirmed), and a rename undone
//! through the app, refused the second time.

mod common;

use common::env;
use zenml_pro_app::views::{ActivityQueryView, ExportChoiceView, ReviewQueryView};
use zenml_pro_app::{AppEvent, ErrorCode};
use zenml_pro_emulator::{start, Dialect, EmulatorConfig};

fn choice(kind: &str, format: &str, all_orgs: bool) -> ExportChoiceView {
    ExportChoiceView { kind: kind.into(), format: format.into(), all_orgs, ..Default::default() }
}

#[tokio::test]
async fn review_export_and_undo_through_the_app() {
    for dialect in Dialect::ALL {
        let e = env();
        let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
        let creds = emu.credentials().clone();
        e.app.login_with_key(emu.base_url(), creds.multi_org.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        let orgs = e.app.list_organizations().await.unwrap().items;
        assert!(orgs.len() >= 2, "{dialect}");

        // The review: every section counted, findings in the sections the counts say.
        let r = e.app.access_review(ReviewQueryView::default()).await.unwrap();
        assert_eq!(r.stale_days, 14, "{dialect}");
        assert!(r.fetched_at.is_some() && !r.organizations.is_empty(), "{dialect}");
        assert!(!r.sections.iter().any(|s| s.section == "only_in_one"), "{dialect}: no group, no section");
        for s in &r.sections {
            let n = r.findings.iter().filter(|f| f.section == s.section).count();
            assert_eq!(s.count as usize, n, "{dialect}: {}", s.section);
        }
        // A group of two adds its section; a group of one is refused in plain words.
        let group = vec![orgs[0].name.clone(), orgs[1].name.clone()];
        let q = ReviewQueryView { stale_days: Some(0), group: Some(group.clone()) };
        let g = e.app.access_review(q).await.unwrap();
        assert_eq!(g.group.len(), 2, "{dialect}");
        assert!(g.sections.iter().any(|s| s.section == "only_in_one"), "{dialect}");
        let stale = |v: &zenml_pro_app::views::AccessReviewView| {
            v.sections.iter().find(|s| s.section == "stale_invitation").map_or(0, |s| s.count)
        };
        assert!(stale(&g) >= stale(&r), "{dialect}: 0 days makes at least as many stale");
        let one = ReviewQueryView { stale_days: None, group: Some(vec![orgs[0].name.clone()]) };
        let err = e.app.access_review(one).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}");

        // The default path: the organization's name, what, the day and the format.
        let d = e.app.export_default_path(choice("members", "csv", false)).await.unwrap();
        let active = orgs.iter().find(|o| o.active).unwrap();
        assert!(d.file_name.starts_with(&format!("{}-members-", active.name)), "{dialect}: {d:?}");
        assert!(d.file_name.ends_with(".csv") && d.path.ends_with(&d.file_name), "{dialect}: {d:?}");
        let all = e.app.export_default_path(choice("people", "json", true)).await.unwrap();
        assert!(all.file_name.starts_with("all-organizations-people-"), "{dialect}: {all:?}");

        // Members as CSV: every row stamped with when it was fetched, the count said.
        let path = e.dir.path().join("members.csv");
        let p = path.display().to_string();
        let saved = e.app.save_export(choice("members", "csv", false), p.clone(), false).await.unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let records = zenml_pro_core::csv::parse(&text).unwrap();
        assert_eq!(saved.rows as usize, records.len() - 1, "{dialect}");
        assert!(saved.rows > 0 && saved.bytes as usize == text.len() && !saved.replaced, "{dialect}");
        let at = records[0].iter().position(|h| h == "fetched_at").expect("a fetched_at column");
        assert!(
            records[1..].iter().all(|r| chrono::DateTime::parse_from_rfc3339(&r[at]).is_ok()),
            "{dialect}"
        );
        // Saving there again is refused until replacing is confirmed; the file is untouched.
        let json = choice("members", "json", false);
        let err = e.app.save_export(json.clone(), p.clone(), false).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{dialect}");
        let again = e.app.save_export(json, p.clone(), true).await.unwrap();
        assert!(again.replaced && again.rows == saved.rows, "{dialect}");
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(v["fetched_at"].as_str().is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()));
        let leftovers = std::fs::read_dir(e.dir.path()).unwrap().flatten();
        assert!(!leftovers.into_iter().any(|f| f.file_name().to_string_lossy().ends_with(".tmp")));
        // Every kind, all organizations: the rows said are the CSV file's records, in both formats.
        for kind in ["members", "invitations", "people", "access-review"] {
            let file = e.dir.path().join(format!("all-{kind}.csv")).display().to_string();
            let csv = e.app.save_export(choice(kind, "csv", true), file.clone(), false).await.unwrap();
            let records = zenml_pro_core::csv::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
            assert_eq!(csv.rows as usize, records.len() - 1, "{dialect}: {kind}");
            let file = e.dir.path().join(format!("all-{kind}.json")).display().to_string();
            let json = e.app.save_export(choice(kind, "json", true), file, false).await.unwrap();
            assert_eq!(json.rows, csv.rows, "{dialect}: {kind}");
        }
        // Bad input in plain words, nothing written.
        let bad = e.app.save_export(choice("members", "xml", false), p.clone(), true).await.unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidInput, "{dialect}");
        let nowhere = e.dir.path().join("no-such-folder").join("x.csv").display().to_string();
        let err = e.app.save_export(choice("members", "csv", false), nowhere, false).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {}", err.message);

        // A rename, logged, then undone through the app: the entry marked, the name back.
        let renamed = format!("{}-renamed", active.name);
        e.app.update_organization(None, Some(renamed.clone()), None).await.unwrap();
        let log = e.app.activity(ActivityQueryView { kind: Some("org_rename".into()), ..Default::default() });
        let log = log.await.unwrap();
        assert_eq!(log.total, 1, "{dialect}: {log:?}");
        let entry = &log.entries[0];
        assert!(
            entry.undoable && entry.ok && entry.replaced == [format!("name: {}", active.name)],
            "{entry:?}"
        );
        let before = e.rec.events().len();
        let out = e.app.undo(entry.id).await.unwrap();
        assert!(out.undone.undone_by.is_some() && !out.undone.undoable, "{dialect}: {out:?}");
        assert!(!out.message.is_empty(), "{dialect}");
        assert!(e.rec.events()[before..].iter().any(|ev| matches!(ev, AppEvent::DataChanged { .. })));
        let overview = e.app.organization_overview(None).await.unwrap();
        assert_eq!(overview.org.name, active.name, "{dialect}");
        let err = e.app.undo(entry.id).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {}", err.message);
        // The log, newest first, filtered by text and by failures.
        let all = e.app.activity(ActivityQueryView::default()).await.unwrap();
        assert_eq!(all.total, 2, "{dialect}: {all:?}");
        assert_eq!(all.entries[0].undo_of, Some(entry.id), "{dialect}");
        let failed = ActivityQueryView { failed_only: Some(true), ..Default::default() };
        assert_eq!(e.app.activity(failed).await.unwrap().total, 0, "{dialect}");
        let search = ActivityQueryView { search: Some("no-such-target".into()), ..Default::default() };
        assert_eq!(e.app.activity(search).await.unwrap().total, 0, "{dialect}");
        let kind = ActivityQueryView { kind: Some("nonsense".into()), ..Default::default() };
        assert_eq!(e.app.activity(kind).await.unwrap_err().code, ErrorCode::InvalidInput);
    }
}

#[test]
fn default_file_names_and_folders() {
    use zenml_pro_app::review::{export_file_name, export_folder};
    assert_eq!(export_file_name("acme-ml", "members", "csv", "2026-12-03"), "acme-ml-members-2026-12-03.csv");
    assert_eq!(export_file_name("a/b c", "people", "json", "2026-12-03"), "a-b-c-people-2026-12-03.json");
    let home = tempfile::tempdir().unwrap();
    assert_eq!(export_folder(Some(home.path())), home.path());
    std::fs::create_dir(home.path().join("Downloads")).unwrap();
    assert_eq!(export_folder(Some(home.path())), home.path().join("Downloads"));
    assert_eq!(export_folder(None), std::path::PathBuf::from("."));
}
