//! Writes act on what is on the server, not on what the cache last saw: two data directories (two
//! copies of the app, standing for another admin or the web dashboard) change the server behind each
//! other, in every dialect the emulator speaks.
//!
//! - a stale demotion leaves exactly the role chosen, plus the roles held through a team;
//! - an undo after someone else changed the target is refused as a conflict, the server unchanged;
//!   an undo can itself be undone;
//! - emails match by ASCII case only: `\u{212A}` (KELVIN SIGN) is not `k`; ids only as ids; names only
//!   when unique;
//! - offboarding the acting user, or an organization's last admin, stops for an override;
//! - offboarding where a member is already gone still revokes that organization's invitations;
//! - of two concurrent undos of one entry, exactly one goes through.

mod common;

use std::sync::Arc;

use common::*;
use serde_json::json;
use uuid::Uuid;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{
    CancellationToken, Core, ErrorCode, MemberKind, MemberQuery, MemoryKeyring, Overrides, StepStatus,
    SyncOptions, ALREADY_GONE,
};
use zenml_pro_emulator::{Dialect, EmulatorConfig, RunningEmulator};

const MEMBER: &str = "member@acme-ml.example";

async fn login(core: &Core, emu: &RunningEmulator, key: &str) -> String {
    core.login_with_key(&emu.base_url(), ApiKey::new(key)).await.expect("key sign-in").id
}

async fn sync(core: &Core, account: &str) {
    let report = core
        .sync(account, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .expect("sync");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

/// A second copy of the app: its own data directory and keyring, signed in with `key`, synced.
async fn other_copy(emu: &RunningEmulator, key: &str) -> (tempfile::TempDir, Core, String) {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path(), Arc::new(MemoryKeyring::new()));
    let account = login(&core, emu, key).await;
    sync(&core, &account).await;
    (dir, core, account)
}

/// The member's direct organization roles and the ones through a team, as the cache has them.
fn roles_of(core: &Core, account: &str, org: Uuid, who: &str) -> (Vec<String>, Vec<String>) {
    let row = core.find_member(account, org, who).expect("a member");
    let mut direct: Vec<String> = row.roles.iter().filter(|r| !r.via_team).map(|r| r.label()).collect();
    let mut team: Vec<String> = row.roles.iter().filter(|r| r.via_team).map(|r| r.label()).collect();
    direct.sort();
    team.sort();
    (direct, team)
}

async fn setup(dialect: Dialect) -> (Env, String, Uuid) {
    let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
    let admin = login(&e.core, &e.emu, &e.emu.credentials().admin.key).await;
    sync(&e.core, &admin).await;
    let acme = e.core.resolve_org(&admin, Some("acme-ml")).unwrap();
    (e, admin, acme)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_demotion_leaves_exactly_the_chosen_role() {
    for dialect in Dialect::ALL {
        let (e, admin, acme) = setup(dialect).await;
        let before = roles_of(&e.core, &admin, acme, MEMBER);
        assert_eq!(before.1, ["Organization Member"], "{dialect}: a role through the data-science team");

        // Another admin makes the member an Organization Admin; this copy has not synced since.
        let key = e.emu.credentials().admin.key.clone();
        let (_dir, other, other_admin) = other_copy(&e.emu, &key).await;
        other.set_member_role(&other_admin, acme, MEMBER, "Organization Admin").await.unwrap();
        assert_eq!(roles_of(&e.core, &admin, acme, MEMBER), before, "{dialect}: this cache is stale");

        let now = e.core.set_member_role(&admin, acme, MEMBER, "Organization Viewer").await.unwrap();
        let said: Vec<(String, bool)> = now.iter().map(|r| (r.label(), r.via_team)).collect();
        assert_eq!(
            said,
            [("Organization Viewer".to_owned(), false), ("Organization Member".to_owned(), true)],
            "{dialect}: the answer names the role through a team"
        );
        // What the server holds, seen by a fresh sync of both copies.
        for (core, account) in [(&e.core, &admin), (&other, &other_admin)] {
            sync(core, account).await;
            let (direct, team) = roles_of(core, account, acme, MEMBER);
            assert_eq!(direct, ["Organization Viewer"], "{dialect}: the admin role is gone");
            assert_eq!(team, ["Organization Member"], "{dialect}");
        }
        // The journal says what the server held before, not what the cache thought.
        let log = e.core.activity(&Default::default()).unwrap();
        let entry = &log.entries[0];
        let replaced: Vec<Option<String>> = entry.replaced.roles.iter().map(|r| r.name.clone()).collect();
        assert_eq!(replaced, [Some("Organization Admin".to_owned())], "{dialect}: {entry:?}");
        e.emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_after_someone_else_changed_the_target_is_a_conflict() {
    for dialect in Dialect::ALL {
        let (e, admin, acme) = setup(dialect).await;
        let viewer = e.emu.credentials().viewer.user_email.clone();
        e.core.set_member_role(&admin, acme, &viewer, "Organization Manager").await.unwrap();
        let entry = e.core.activity(&Default::default()).unwrap().entries[0].clone();
        assert!(entry.undoable, "{dialect}: {entry:?}");

        // Another admin changes the same member again.
        let key = e.emu.credentials().admin.key.clone();
        let (_dir, other, other_admin) = other_copy(&e.emu, &key).await;
        other.set_member_role(&other_admin, acme, &viewer, "Billing Admin").await.unwrap();

        let preview = e.core.undo_preview(entry.id).await.unwrap_err();
        assert_eq!(preview.code, ErrorCode::Conflict, "{dialect}: {preview:?}");
        control(&e.emu, "requests/reset", json!({})).await;
        let err = e.core.undo(entry.id, false).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err:?}");
        assert!(err.message.contains("Billing Admin"), "{dialect}: says what it is now: {err}");
        let writes = sent_writes(&e.emu).await;
        assert!(writes.is_empty(), "{dialect}: nothing was sent: {writes:?}");
        sync(&other, &other_admin).await;
        assert_eq!(
            roles_of(&other, &other_admin, acme, &viewer).0,
            ["Billing Admin"],
            "{dialect}: unchanged"
        );
        let still = e.core.activity(&Default::default()).unwrap();
        let again = still.entries.iter().find(|x| x.id == entry.id).unwrap();
        assert!(
            again.undoable && again.undone_by.is_none(),
            "{dialect}: the entry can still be undone later"
        );

        // Undone when nothing changed behind it, then the undo undone: the role set comes back.
        e.core.set_member_role(&admin, acme, &viewer, "Organization Viewer").await.unwrap();
        let set = e.core.activity(&Default::default()).unwrap().entries[0].clone();
        let preview = e.core.undo_preview(set.id).await.unwrap();
        assert!(preview.will.contains("Billing Admin") && !preview.needs_force, "{dialect}: {preview:?}");
        let undone = e.core.undo(set.id, false).await.unwrap();
        let by = undone.by.clone().expect("the undo's entry");
        assert_eq!(roles_of(&e.core, &admin, acme, &viewer).0, ["Billing Admin"], "{dialect}");
        assert!(by.undoable, "{dialect}: an undo can be undone: {by:?}");
        e.core.undo(by.id, false).await.unwrap();
        assert_eq!(roles_of(&e.core, &admin, acme, &viewer).0, ["Organization Viewer"], "{dialect}");
        let twice = e.core.undo(set.id, false).await.unwrap_err();
        assert_eq!(twice.code, ErrorCode::Conflict, "{dialect}: undone already");
        e.emu.shutdown().await;
    }
}

/// Writes (not reads) the emulator received since its request log was reset.
async fn sent_writes(emu: &RunningEmulator) -> Vec<String> {
    let v: serde_json::Value = reqwest::Client::new()
        .get(emu.control_url("requests"))
        .header(zenml_pro_emulator::CONTROL_HEADER, emu.control_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = v.as_array().cloned().or_else(|| v["requests"].as_array().cloned()).unwrap_or_default();
    items
        .iter()
        .filter(|r| r["method"].as_str().is_some_and(|m| m != "GET"))
        .filter(|r| !r["path"].as_str().unwrap_or_default().starts_with("/auth"))
        .map(|r| {
            format!("{} {}", r["method"].as_str().unwrap_or_default(), r["path"].as_str().unwrap_or_default())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_match_by_ascii_case_only_and_names_only_when_unique() {
    for dialect in Dialect::ALL {
        let (e, admin, acme) = setup(dialect).await;
        let kate = "kate@acme-ml.example";
        let kelvin = "\u{212A}ate@acme-ml.example";
        let sent =
            e.core.invite(&admin, acme, &[kate.into(), kelvin.into()], "Organization Member").await.unwrap();
        for s in &sent {
            let inv = s.invitation.clone().unwrap_or_else(|| panic!("{dialect}: {:?}", s.error));
            control(&e.emu, "invitations/accept", json!({"id": inv.id})).await;
        }
        sync(&e.core, &admin).await;

        let by_case = e.core.find_member(&admin, acme, "KATE@Acme-ML.example").unwrap();
        let by_kelvin = e.core.find_member(&admin, acme, kelvin).unwrap();
        let id = |r: &zenml_pro_core::api::MemberRow| r.user.as_ref().unwrap().id;
        assert_ne!(id(&by_case), id(&by_kelvin), "{dialect}: two people, not one");
        assert_eq!(by_case.user.as_ref().unwrap().email.as_deref(), Some(kate), "{dialect}");
        assert_eq!(by_kelvin.user.as_ref().unwrap().email.as_deref(), Some(kelvin), "{dialect}");

        // A person is the ids their email reaches: the KELVIN SIGN account is not Kate.
        let person = e.core.person("Kate@acme-ml.example").unwrap();
        let ids: Vec<Option<Uuid>> =
            person.organizations.iter().filter(|o| o.org_id == acme).map(|o| o.member_id).collect();
        assert_eq!(ids, [Some(id(&by_case))], "{dialect}: {person:?}");

        // A write by email changes exactly that one.
        e.core.set_member_role(&admin, acme, "KATE@acme-ml.example", "Organization Viewer").await.unwrap();
        sync(&e.core, &admin).await;
        assert_eq!(roles_of(&e.core, &admin, acme, kate).0, ["Organization Viewer"], "{dialect}");
        assert_eq!(roles_of(&e.core, &admin, acme, kelvin).0, ["Organization Member"], "{dialect}");

        // An unknown id is not found, never a name; a name shared by two is refused with both.
        let unknown = Uuid::new_v4().to_string();
        let err = e.core.find_member(&admin, acme, &unknown).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        for email in [kate, kelvin] {
            control(&e.emu, "users/rename", json!({"email": email, "name": "Same Name"})).await;
        }
        sync(&e.core, &admin).await;
        let err = e.core.find_member(&admin, acme, "same name").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {err:?}");
        assert!(err.message.contains(kate) && err.message.contains(kelvin), "{dialect}: {err}");
        e.emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboarding_the_acting_user_or_the_last_admin_stops_for_an_override() {
    for dialect in Dialect::ALL {
        // A manager's copy: the acme-ml admin is the organization's one Organization Admin.
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let manager = login(&e.core, &e.emu, &e.emu.credentials().manager.key).await;
        sync(&e.core, &manager).await;
        let admin_email = e.emu.credentials().admin.user_email.clone();
        // Every other direct Organization Admin of acme-ml is made a member by an admin's copy.
        let acme = e.core.resolve_org(&manager, Some("acme-ml")).unwrap();
        let key = e.emu.credentials().admin.key.clone();
        let (_dir, other, other_admin) = other_copy(&e.emu, &key).await;
        let users = MemberQuery { kind: Some(MemberKind::User), limit: Some(500), ..Default::default() };
        for row in e.core.members(&manager, acme, &users).unwrap().value.rows {
            let u = row.user.as_ref().unwrap();
            let admin_here = row.roles.iter().any(|r| !r.via_team && r.label() == "Organization Admin");
            if admin_here && u.email.as_deref() != Some(admin_email.as_str()) {
                other
                    .set_member_role(&other_admin, acme, &u.id.to_string(), "Organization Member")
                    .await
                    .unwrap();
            }
        }
        let plan = e.core.offboard_plan(&admin_email, &["acme-ml".into()]).await.unwrap();
        assert_eq!(plan.steps.len(), 1, "{dialect}: {plan:?}");
        control(&e.emu, "requests/reset", json!({})).await;
        let report = e.core.offboard_run(&plan, Overrides::default(), |_| {}, CancellationToken::new()).await;
        let r = &report.results[0];
        assert_eq!(r.status, StepStatus::Failed, "{dialect}: {report:?}");
        let err = r.error.as_ref().unwrap();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err:?}");
        assert!(err.message.contains("last Organization Admin"), "{dialect}: {err}");
        assert_eq!(
            (err.fields[0].field.as_str(), err.fields[0].message.as_str()),
            ("override", "last_admin")
        );
        assert!(sent_writes(&e.emu).await.is_empty(), "{dialect}: nothing was sent");

        // The acting user: the manager offboarding themself.
        let own = e.emu.credentials().manager.user_email.clone();
        let plan = e.core.offboard_plan(&own, &["acme-ml".into()]).await.unwrap();
        let report = e.core.offboard_run(&plan, Overrides::default(), |_| {}, CancellationToken::new()).await;
        let err = report.results[0].error.as_ref().expect("refused");
        assert!(
            err.code == ErrorCode::Conflict && err.message.contains("your own access"),
            "{dialect}: {err}"
        );
        assert!(sent_writes(&e.emu).await.is_empty(), "{dialect}: nothing was sent");
        // With the override it goes through.
        let yes = Overrides { remove_self: true, ..Default::default() };
        let report = e.core.offboard_run(&plan, yes, |_| {}, CancellationToken::new()).await;
        assert_eq!(report.results[0].status, StepStatus::Done, "{dialect}: {report:?}");
        e.emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboarding_a_member_already_gone_still_revokes_the_invitation() {
    for dialect in Dialect::ALL {
        let (e, admin, acme) = setup(dialect).await;
        let leaver = "leaver@acme-ml.example";
        let sent = e.core.invite(&admin, acme, &[leaver.into()], "Organization Member").await.unwrap();
        let first = sent[0].invitation.clone().unwrap_or_else(|| panic!("{dialect}: {:?}", sent[0].error));
        control(&e.emu, "invitations/accept", json!({"id": first.id})).await;
        sync(&e.core, &admin).await;

        // Another admin removes them; then this copy invites them again (its cache still shows the
        // membership, and now a pending invitation too).
        let key = e.emu.credentials().admin.key.clone();
        let (_dir, other, other_admin) = other_copy(&e.emu, &key).await;
        other.remove_member(&other_admin, acme, leaver).await.unwrap();
        let again = e.core.invite(&admin, acme, &[leaver.into()], "Organization Viewer").await.unwrap();
        let pending =
            again[0].invitation.clone().unwrap_or_else(|| panic!("{dialect}: {:?}", again[0].error));

        let plan = e.core.offboard_plan(leaver, &["acme-ml".into()]).await.unwrap();
        let actions: Vec<_> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions.len(), 2, "{dialect}: a removal and a revocation: {plan:?}");
        let report = e.core.offboard_run(&plan, Overrides::default(), |_| {}, CancellationToken::new()).await;
        assert_eq!((report.done, report.failed), (2, 0), "{dialect}: {report:?}");
        assert_eq!(report.results[0].detail.as_deref(), Some(ALREADY_GONE), "{dialect}: {report:?}");
        // Journaled as such, with nothing to undo.
        let log = e.core.activity(&Default::default()).unwrap();
        let gone = log.entries.iter().find(|x| x.kind.as_str() == "member_removal").unwrap();
        assert!(
            gone.ok && gone.detail.as_deref() == Some(ALREADY_GONE) && !gone.undoable,
            "{dialect}: {gone:?}"
        );
        assert!(report.remaining.is_empty(), "{dialect}: {report:?}");
        sync(&other, &other_admin).await;
        let now = other.find_invitation(&other_admin, acme, &pending.id.to_string()).unwrap();
        assert_eq!(now.status.map(|s| s.as_str()), Some("revoked"), "{dialect}: {now:?}");
        e.emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_concurrent_undos_of_one_entry_exactly_one_goes_through() {
    for dialect in Dialect::ALL {
        let (e, admin, acme) = setup(dialect).await;
        let viewer = e.emu.credentials().viewer.user_email.clone();
        e.core.set_member_role(&admin, acme, &viewer, "Organization Manager").await.unwrap();
        let entry = e.core.activity(&Default::default()).unwrap().entries[0].id;
        // A second process on the same data directory (the same keyring holds the account's key).
        let second = open_core(e.dir.path(), e.keyring.clone());
        let (a, b) = tokio::join!(e.core.undo(entry, false), second.undo(entry, false));
        let oks = [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count();
        assert_eq!(oks, 1, "{dialect}: {a:?} / {b:?}");
        let err = a.err().or(b.err()).unwrap();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err:?}");
        let log = e.core.activity(&Default::default()).unwrap();
        let undos = log.entries.iter().filter(|x| x.undo_of == Some(entry)).count();
        assert_eq!(undos, 1, "{dialect}: one undo journaled: {log:?}");
        e.emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_server_took_is_journaled_as_done_when_the_cache_is_busy() {
    let (e, admin, acme) = setup(Dialect::Default).await;
    let viewer = e.emu.credentials().viewer.user_email.clone();
    // Another process holds the cache's write lock for longer than a write waits for it.
    let path = zenml_pro_core::cache_path(e.dir.path());
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        conn.execute_batch("ROLLBACK").unwrap();
    });
    locked_rx.recv().unwrap();
    let done = e.core.set_member_role(&admin, acme, &viewer, "Organization Manager").await;
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let roles = done.expect("done on the server, so reported as done");
    assert_eq!(roles[0].label(), "Organization Manager");
    let notes = e.core.take_write_notes();
    assert!(notes.len() == 1 && notes[0].contains("next sync"), "{notes:?}");
    let entry = e.core.activity(&Default::default()).unwrap().entries[0].clone();
    assert!(entry.ok && entry.kind.as_str() == "role_change", "{entry:?}");
    // The cache was not updated; the next sync catches up.
    assert_ne!(roles_of(&e.core, &admin, acme, &viewer).0, ["Organization Manager"]);
    sync(&e.core, &admin).await;
    assert_eq!(roles_of(&e.core, &admin, acme, &viewer).0, ["Organization Manager"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_means_different_organizations_in_two_accounts_is_refused() {
    // Two servers, each with its own organization named "shared-name", one account on each.
    let e = env().await;
    let second = zenml_pro_emulator::start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let mut ids = Vec::new();
    for emu in [&e.emu, &second] {
        let account = login(&e.core, emu, &emu.credentials().admin.key).await;
        let created: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/organizations", emu.base_url()))
            .bearer_auth(api_token(emu).await)
            .json(&json!({"name": "shared-name"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
        sync(&e.core, &account).await;
    }
    assert_ne!(ids[0], ids[1]);
    let err = e.core.offboard_plan(MEMBER, &["shared-name".into()]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    assert!(err.message.contains(&ids[0]) && err.message.contains(&ids[1]), "{err}");
    // By id it is one organization.
    let plan = e.core.offboard_plan(MEMBER, std::slice::from_ref(&ids[0])).await.unwrap();
    assert_eq!(plan.organizations, 1, "{plan:?}");
    second.shutdown().await;
}

/// A bearer token for the emulator's admin, through the key exchange.
async fn api_token(emu: &RunningEmulator) -> String {
    let v: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/auth/login", emu.base_url()))
        .form(&[
            ("grant_type", zenml_pro_core::api::API_KEY_GRANT),
            ("password", emu.credentials().admin.key.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["access_token"].as_str().expect("a token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_older_than_a_week_is_undone_only_with_force() {
    let (e, admin, acme) = setup(Dialect::Default).await;
    let viewer = e.emu.credentials().viewer.user_email.clone();
    e.core.set_member_role(&admin, acme, &viewer, "Organization Manager").await.unwrap();
    let made = e.core.activity(&Default::default()).unwrap().entries[0].clone();
    // The same change as journaled eight days ago (another connection to the same journal).
    let (cache, _) = zenml_pro_core::Cache::open(&zenml_pro_core::cache_path(e.dir.path())).unwrap();
    let old = zenml_pro_core::cache::NewActivity {
        account_id: made.account_id.clone(),
        account_label: made.account.clone(),
        org_id: made.org_id.clone(),
        org_name: made.org.clone(),
        kind: Some(made.kind),
        target_id: made.target_id.clone(),
        target_label: made.target.clone(),
        detail: made.detail.clone(),
        replaced: made.replaced.clone(),
        error: None,
        undo_of: None,
    };
    let id = cache.record_activity(&old, chrono::Utc::now() - chrono::Duration::days(8)).unwrap();
    drop(cache);

    let preview = e.core.undo_preview(id).await.unwrap();
    assert!(preview.needs_force && preview.age_days == 8, "{preview:?}");
    let err = e.core.undo(id, false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    assert!(err.message.contains("--force"), "{err}");
    assert_eq!(roles_of(&e.core, &admin, acme, &viewer).0, ["Organization Manager"], "nothing changed");
    e.core.undo(id, true).await.unwrap();
    assert_eq!(roles_of(&e.core, &admin, acme, &viewer).0, ["Organization Viewer"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_moved_aside_keeps_the_journal_and_its_undo() {
    for dialect in Dialect::ALL {
        let (e, admin, acme) = setup(dialect).await;
        let viewer = e.emu.credentials().viewer.user_email.clone();
        e.core.set_member_role(&admin, acme, &viewer, "Organization Manager").await.unwrap();
        let before = e.core.activity(&Default::default()).unwrap();
        let Env { emu, dir, keyring, core } = e;
        drop(core);
        // The cache file is damaged: the next start moves it aside and builds a new one.
        std::fs::write(zenml_pro_core::cache_path(dir.path()), vec![0x5Au8; 8192]).unwrap();
        let (core, notice) = Core::open(zenml_pro_core::CoreOptions {
            data_dir: dir.path().to_path_buf(),
            secrets: keyring.clone(),
            client: quick_retries(),
        })
        .unwrap();
        assert!(matches!(notice, Some(zenml_pro_core::CacheNotice::Rebuilt { .. })), "{dialect}: {notice:?}");
        let after = core.activity(&Default::default()).unwrap();
        assert_eq!(after.entries, before.entries, "{dialect}: the journal is kept");
        // Signed in again (the rebuilt cache lost the account's record, the keyring kept nothing
        // the test relies on) and synced, the kept entry can still be undone.
        let again = login(&core, &emu, &emu.credentials().admin.key).await;
        assert_eq!(again, admin, "{dialect}: the same account");
        sync(&core, &again).await;
        core.undo(before.entries[0].id, false).await.unwrap();
        assert_eq!(roles_of(&core, &again, acme, &viewer).0, ["Organization Viewer"], "{dialect}");
        emu.shutdown().await;
    }
}
