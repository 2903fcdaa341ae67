//! In-app updates through a fake [`UpdateService`]: a build without an update server shows nothing and
//! asks nothing; a check by hand says up to date, on offer, or a plain error; the install runs only
//! when asked, with progress, then restarts; the daily check follows its setting and the time of the
//! last check (kept across a restart); the tray offers the update.

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use common::env;
use zenml_pro_app::updates::{Progress, UpdateFuture, LAST_CHECK_FILE};
use zenml_pro_app::{
    tray_menu, App, AppEvent, DesktopSettings, ErrorCode, OfferedUpdate, Recorder, TrayAction, UpdateError,
    UpdateService, UpdateState, UpdateStatusView,
};

/// Answers each check with the next queued answer (up to date when none is queued), and each
/// install with the next queued result after reporting progress.
#[derive(Default)]
struct FakeUpdates {
    checks: AtomicUsize,
    installs: AtomicUsize,
    restarts: AtomicUsize,
    answers: Mutex<VecDeque<Result<Option<OfferedUpdate>, UpdateError>>>,
    install_results: Mutex<VecDeque<Result<(), UpdateError>>>,
}

impl FakeUpdates {
    fn answer(&self, a: Result<Option<OfferedUpdate>, UpdateError>) {
        self.answers.lock().unwrap().push_back(a);
    }
}

impl UpdateService for FakeUpdates {
    fn current_version(&self) -> String {
        "1.2.3".into()
    }

    fn check(&self) -> UpdateFuture<'_, Option<OfferedUpdate>> {
        self.checks.fetch_add(1, Ordering::SeqCst);
        let a = self.answers.lock().unwrap().pop_front().unwrap_or(Ok(None));
        Box::pin(async move { a })
    }

    fn install(&self, progress: Progress) -> UpdateFuture<'_, ()> {
        self.installs.fetch_add(1, Ordering::SeqCst);
        let r = self.install_results.lock().unwrap().pop_front().unwrap_or(Ok(()));
        Box::pin(async move {
            progress(512, Some(2048));
            progress(2048, Some(2048));
            r
        })
    }

    fn restart(&self) {
        self.restarts.fetch_add(1, Ordering::SeqCst);
    }
}

fn offer(v: &str) -> OfferedUpdate {
    OfferedUpdate { version: v.into(), notes: Some("Fixes".into()) }
}

fn with_fake(app: Arc<App>) -> (App, Arc<FakeUpdates>) {
    let fake = Arc::new(FakeUpdates::default());
    let app = Arc::into_inner(app).expect("only one holder").with_updater(fake.clone());
    (app, fake)
}

fn statuses(rec: &Recorder) -> Vec<UpdateStatusView> {
    rec.events()
        .into_iter()
        .filter_map(|e| match e {
            AppEvent::UpdateStatus { status } => Some(status),
            _ => None,
        })
        .collect()
}

/// Guards "no endpoint, no controls": the status says not configured, the commands refuse plainly,
/// the daily check does nothing and the tray offers nothing.
#[tokio::test]
async fn a_build_without_an_update_server_shows_and_asks_nothing() {
    let e = env();
    let status = e.app.update_status().await.unwrap();
    assert!(!status.configured);
    assert_eq!(status.state, UpdateState::Idle);
    let err = e.app.check_for_updates().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("no update server"), "{}", err.message);
    assert!(e.app.install_update().await.is_err());
    assert!(!e.app.run_daily_update_check(Utc::now()).await);
    assert_eq!(e.app.tray_state().unwrap().update_available, None);
}

/// Guards the Settings button: up to date names the running version; a newer version is on offer
/// (and in the tray) but nothing is installed until asked; a failure is a plain sentence.
#[tokio::test]
async fn a_check_by_hand_says_up_to_date_on_offer_or_why_not() {
    let e = env();
    let rec = e.rec.clone();
    let (app, fake) = with_fake(e.app);
    let status = app.update_status().await.unwrap();
    assert!(status.configured);
    assert_eq!(status.current_version, "1.2.3");

    let status = app.check_for_updates().await.unwrap();
    assert_eq!(status.state, UpdateState::UpToDate { version: "1.2.3".into() });
    assert!(status.last_checked.is_some());
    let seen = statuses(&rec);
    assert_eq!(seen.first().map(|s| &s.state), Some(&UpdateState::Checking), "{seen:?}");

    fake.answer(Ok(Some(offer("1.3.0"))));
    let status = app.check_for_updates().await.unwrap();
    assert_eq!(status.state, UpdateState::Available { version: "1.3.0".into(), notes: Some("Fixes".into()) });
    assert!(!status.dismissed);
    assert_eq!(fake.installs.load(Ordering::SeqCst), 0, "a check never installs");
    let state = app.tray_state().unwrap();
    assert_eq!(state.update_available.as_deref(), Some("1.3.0"));
    let menu = tray_menu(&state, Utc::now());
    assert!(menu.render().contains("Update to 1.3.0 available — install and restart\n"), "{}", menu.render());
    assert!(menu.actions().contains(&&TrayAction::InstallUpdate));

    // "Later" hides the banner, but the update stays on offer.
    let status = app.dismiss_update().await.unwrap();
    assert!(status.dismissed);
    assert_eq!(app.tray_state().unwrap().update_available.as_deref(), Some("1.3.0"));

    // A failed check keeps the version on offer, with the reason.
    fake.answer(Err(UpdateError::Unreachable("connection refused".into())));
    let status = app.check_for_updates().await.unwrap();
    assert_eq!(
        status.state,
        UpdateState::Failed {
            message: "Could not reach the update server: connection refused".into(),
            version: Some("1.3.0".into())
        }
    );
    assert_eq!(fake.checks.load(Ordering::SeqCst), 3);
}

/// Guards the install: only with an update on offer, progress reported, then a restart; a bad
/// signature is refused with the sentence the window shows, and nothing restarts.
#[tokio::test]
async fn install_runs_when_asked_reports_progress_and_restarts_or_says_why_not() {
    let e = env();
    let rec = e.rec.clone();
    let (app, fake) = with_fake(e.app);
    let err = app.install_update().await.unwrap_err();
    assert!(err.message.contains("check for updates first"), "{}", err.message);

    fake.answer(Ok(Some(offer("2.0.0"))));
    app.check_for_updates().await.unwrap();
    fake.install_results.lock().unwrap().push_back(Err(UpdateError::BadSignature));
    let status = app.install_update().await.unwrap();
    assert_eq!(
        status.state,
        UpdateState::Failed {
            message: "The update's signature does not match this app's update key: not installed.".into(),
            version: Some("2.0.0".into())
        }
    );
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 0);

    rec.clear();
    let status = app.tray_action(TrayAction::InstallUpdate).await.unwrap();
    assert_eq!(status, zenml_pro_app::TrayOutcome::Done);
    assert_eq!(fake.installs.load(Ordering::SeqCst), 2);
    assert_eq!(fake.restarts.load(Ordering::SeqCst), 1);
    let seen: Vec<UpdateState> = statuses(&rec).into_iter().map(|s| s.state).collect();
    let v = || "2.0.0".to_string();
    assert_eq!(
        seen,
        vec![
            UpdateState::Downloading { version: v(), downloaded: 0, total: None },
            UpdateState::Downloading { version: v(), downloaded: 512, total: Some(2048) },
            UpdateState::Downloading { version: v(), downloaded: 2048, total: Some(2048) },
            UpdateState::Restarting { version: v() },
        ]
    );
}

/// Guards the daily check: on by default, once a day, not again after a restart within the day, and
/// never when the setting is off.
#[tokio::test]
async fn the_daily_check_follows_its_setting_and_the_last_check_across_restarts() {
    let e = env();
    assert!(e.app.settings().check_updates_daily, "on by default");
    let dir = e.dir;
    let (app, fake) = with_fake(e.app);
    let now = Utc::now();
    assert!(app.run_daily_update_check(now).await);
    assert!(!app.run_daily_update_check(now + Duration::hours(23)).await);
    assert_eq!(fake.checks.load(Ordering::SeqCst), 1);
    assert!(dir.path().join(LAST_CHECK_FILE).is_file());
    drop(app);

    // A restart within the day does not check again; a day later it does.
    let rec = Arc::new(Recorder::new());
    let config = common::config(
        dir.path(),
        Arc::new(zenml_pro_core::MemoryKeyring::new()),
        std::time::Duration::from_secs(3600),
    );
    let fake2 = Arc::new(FakeUpdates::default());
    let app = App::new(config, rec.clone(), rec.clone()).unwrap().with_updater(fake2.clone());
    assert!(app.update_status().await.unwrap().last_checked.is_some());
    assert!(!app.run_daily_update_check(Utc::now() + Duration::hours(1)).await);
    assert_eq!(fake2.checks.load(Ordering::SeqCst), 0);
    fake2.answer(Ok(Some(offer("1.4.0"))));
    assert!(app.run_daily_update_check(Utc::now() + Duration::hours(25)).await);
    assert_eq!(fake2.checks.load(Ordering::SeqCst), 1);
    // A background check that finds an update offers it (banner and tray), and installs nothing.
    assert_eq!(
        app.update_status().await.unwrap().state,
        UpdateState::Available { version: "1.4.0".into(), notes: Some("Fixes".into()) }
    );
    assert_eq!(fake2.installs.load(Ordering::SeqCst), 0);

    // Turned off: no check, however long ago the last one was.
    let off = DesktopSettings { check_updates_daily: false, ..app.settings() };
    app.update_desktop_settings(off).await.unwrap();
    assert!(!app.run_daily_update_check(Utc::now() + Duration::days(30)).await);
    assert_eq!(fake2.checks.load(Ordering::SeqCst), 1);
    // And the setting is saved.
    assert!(!DesktopSettings::load(dir.path()).check_updates_daily);
}
