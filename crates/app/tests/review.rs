//! The access review, the activity log with undo, and exports written from the window, against the
//! emulator in both dialects: the review's sections and filters, an export saved where the (stand-in)
//! save dialog answered that parses back with its fetched-at stamp, a cancelled dialog that writes
//! nothing, Show in folder only for a file saved in this run, and a rename undone through the app,
//! refused the second time.

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

        // Save: the app asks its save dialog (the organization's name, what, the day, the format),
        // writes where the dialog answered, every row stamped with when it was fetched, the count said.
        let path = e.dir.path().join("members.csv");
        e.dialog.answer(Some(path.clone()));
        let saved = e.app.save_export(choice("members", "csv", false)).await.unwrap().saved.unwrap();
        let asked = e.dialog.requests().pop().unwrap();
        let active = orgs.iter().find(|o| o.active).unwrap();
        assert_eq!(asked.title, "Save the members export", "{dialect}");
        assert!(asked.file_name.starts_with(&format!("{}-members-", active.name)), "{dialect}: {asked:?}");
        assert!(asked.file_name.ends_with(".csv") && asked.extension == "csv", "{dialect}: {asked:?}");
        assert_eq!(asked.filter_name, "CSV", "{dialect}");
        assert_eq!(saved.path, path.display().to_string(), "{dialect}");
        let text = std::fs::read_to_string(&path).unwrap();
        let records = zenml_pro_core::csv::parse(&text).unwrap();
        assert_eq!(saved.rows as usize, records.len() - 1, "{dialect}");
        assert!(saved.rows > 0 && saved.bytes as usize == text.len() && !saved.replaced, "{dialect}");
        let at = records[0].iter().position(|h| h == "fetched_at").expect("a fetched_at column");
        assert!(
            records[1..].iter().all(|r| chrono::DateTime::parse_from_rfc3339(&r[at]).is_ok()),
            "{dialect}"
        );
        // The people of every organization: the dialog suggests their name for it.
        e.dialog.answer(None);
        let all = e.app.save_export(choice("people", "json", true)).await.unwrap();
        assert!(all.saved.is_none(), "{dialect}: a cancelled dialog writes nothing");
        let asked = e.dialog.requests().pop().unwrap();
        assert!(asked.file_name.starts_with("all-organizations-people-"), "{dialect}: {asked:?}");
        assert_eq!((asked.filter_name.as_str(), asked.extension.as_str()), ("JSON", "json"), "{dialect}");
        // Saving there again (the dialog asked before replacing): replaced, the same rows.
        let json = choice("members", "json", false);
        e.dialog.answer(Some(path.clone()));
        let again = e.app.save_export(json).await.unwrap().saved.unwrap();
        assert!(again.replaced && again.rows == saved.rows, "{dialect}");
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(v["fetched_at"].as_str().is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()));
        let leftovers = std::fs::read_dir(e.dir.path()).unwrap().flatten();
        assert!(!leftovers.into_iter().any(|f| f.file_name().to_string_lossy().ends_with(".tmp")));
        // A cancelled dialog: nothing written, nothing to show in a folder.
        let cancelled = e.dir.path().join("cancelled.csv");
        e.dialog.answer(None);
        assert!(e.app.save_export(choice("members", "csv", false)).await.unwrap().saved.is_none());
        assert!(!cancelled.exists(), "{dialect}");
        // Every kind, all organizations: the rows said are the CSV file's records, in both formats.
        for kind in ["members", "invitations", "people", "access-review"] {
            let file = e.dir.path().join(format!("all-{kind}.csv"));
            e.dialog.answer(Some(file.clone()));
            let csv = e.app.save_export(choice(kind, "csv", true)).await.unwrap().saved.unwrap();
            let records = zenml_pro_core::csv::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
            assert_eq!(csv.rows as usize, records.len() - 1, "{dialect}: {kind}");
            e.dialog.answer(Some(e.dir.path().join(format!("all-{kind}.json"))));
            let json = e.app.save_export(choice(kind, "json", true)).await.unwrap().saved.unwrap();
            assert_eq!(json.rows, csv.rows, "{dialect}: {kind}");
        }
        // Bad input in plain words, nothing written; a bad choice never opens the dialog.
        let before = e.dialog.requests().len();
        let bad = e.app.save_export(choice("members", "xml", false)).await.unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidInput, "{dialect}");
        assert_eq!(e.dialog.requests().len(), before, "{dialect}");
        let nowhere = e.dir.path().join("no-such-folder").join("x.csv");
        e.dialog.answer(Some(nowhere.clone()));
        let err = e.app.save_export(choice("members", "csv", false)).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {}", err.message);
        e.dialog.answer(Some(e.dir.path().to_path_buf()));
        let err = e.app.save_export(choice("members", "csv", false)).await.unwrap_err();
        assert!(err.code == ErrorCode::InvalidInput && err.message.contains("is a folder"), "{err:?}");

        // Show in folder: only the folder of a file saved in this run.
        let folder = e.app.open_export_folder(saved.path.clone()).await.unwrap();
        assert_eq!(folder, e.dir.path().display().to_string(), "{dialect}");
        assert!(e.rec.urls().contains(&format!("file://{folder}")), "{dialect}");
        let opened = e.rec.urls().len();
        for other in [
            cancelled.display().to_string(),
            nowhere.display().to_string(),
            e.dir.path().display().to_string(),
            "/etc/passwd".to_owned(),
            String::new(),
        ] {
            let err = e.app.open_export_folder(other.clone()).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {other}");
            assert!(err.message.contains("not a file this app saved an export to"), "{}", err.message);
        }
        assert_eq!(e.rec.urls().len(), opened, "{dialect}: nothing else opened");

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
        let out = e.app.undo(entry.id, false).await.unwrap();
        assert!(out.undone.undone_by.is_some() && !out.undone.undoable, "{dialect}: {out:?}");
        assert!(!out.message.is_empty(), "{dialect}");
        assert!(e.rec.events()[before..].iter().any(|ev| matches!(ev, AppEvent::DataChanged { .. })));
        let overview = e.app.organization_overview(None).await.unwrap();
        assert_eq!(overview.org.name, active.name, "{dialect}");
        let err = e.app.undo(entry.id, false).await.unwrap_err();
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

/// Without a save dialog (a headless app), an export is refused, never written somewhere unasked.
#[tokio::test]
async fn without_a_save_dialog_an_export_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rec = std::sync::Arc::new(zenml_pro_app::Recorder::new());
    let keyring = std::sync::Arc::new(zenml_pro_core::MemoryKeyring::new());
    let config = common::config(dir.path(), keyring, std::time::Duration::from_secs(3600));
    let app = zenml_pro_app::App::new(config, rec.clone(), rec).unwrap();
    let err = app.save_export(choice("people", "csv", true)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Internal, "{}", err.message);
    assert!(err.message.contains("no save dialog"), "{}", err.message);
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
