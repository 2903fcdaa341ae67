//! Desktop integration in the service layer, against the emulator: notifications decided from what a
//! sync saw change, deep links, and the desktop settings (start at login, tray icon, toggles).

mod common;

use std::time::Duration;

use common::env;
use serde_json::{json, Value};
use zenml_pro_app::notify::NotificationKind;
use zenml_pro_app::settings::{DesktopSettings, TrayIconStyle, AUTOSTART_FILE, SETTINGS_FILE};
use zenml_pro_app::views::MemberQueryView;
use zenml_pro_app::{AppEvent, ErrorCode, Recorder, TrayOutcome};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

/// The notifications recorded since the last `clear`, as (kind, body).
fn notifications(rec: &Recorder) -> Vec<(NotificationKind, String)> {
    rec.events()
        .into_iter()
        .filter_map(|e| match e {
            AppEvent::Notification { about, body, .. } => Some((about, body)),
            _ => None,
        })
        .collect()
}

async fn emulator() -> RunningEmulator {
    start(EmulatorConfig { port: 0, workspace_transition: Duration::ZERO, ..Default::default() })
        .await
        .unwrap()
}

/// Guards item 4 of the tray issue: an accepted invitation and a workspace turning `failed` or
/// `available` are announced once, after the sync that saw them; nothing on the first sync or when
/// nothing changed; a kind turned off in the settings stays quiet.
#[tokio::test]
async fn syncs_announce_accepted_invitations_and_workspace_changes_once() {
    let emu = emulator().await;
    let e = env();
    e.app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
    e.app.sync_now().await.unwrap();
    assert_eq!(notifications(&e.rec), vec![], "the first sync knows nothing before it: nothing to announce");

    e.app.switch_organization("acme-ml".into()).await.unwrap();
    let invited =
        e.app.invite(None, vec!["new.person@example.com".into()], "Organization Member".into()).await;
    assert!(invited.unwrap()[0].invitation.is_some());
    let workspaces = e.app.list_workspaces(None).await.unwrap().items;
    let ws = workspaces.iter().find(|w| w.status != "failed").expect("a workspace that has not failed");
    e.app.sync_now().await.unwrap();
    assert_eq!(notifications(&e.rec), vec![], "no change on the server, nothing announced");

    Control::new(&emu).accept_invitation(json!({ "email": "new.person@example.com" })).await;
    Control::new(&emu).set_workspace_status(&ws.id, "failed").await;
    e.rec.clear();
    e.app.sync_now().await.unwrap();
    let got = notifications(&e.rec);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, NotificationKind::InvitationAccepted);
    assert!(got[0].1.contains("new.person@example.com") && got[0].1.contains("Acme ML"), "{}", got[0].1);
    assert_eq!(got[1].0, NotificationKind::WorkspaceFailed);
    let ws_name = ws.display_name.clone().unwrap_or(ws.name.clone());
    assert!(got[1].1.contains(&ws_name) && got[1].1.contains("failed"), "{}", got[1].1);
    let members =
        e.app.list_members(None, MemberQueryView { search: Some("new.person".into()), ..Default::default() });
    assert_eq!(members.await.unwrap().total, 1, "the new member is in the cache the notification came from");

    e.rec.clear();
    e.app.sync_now().await.unwrap();
    assert_eq!(notifications(&e.rec), vec![], "each change is announced once");

    // Workspace notifications off: a workspace coming back is not announced; on again, the next is.
    let off = DesktopSettings { notify_workspace_status: false, ..e.app.settings() };
    e.app.update_desktop_settings(off).await.unwrap();
    Control::new(&emu).set_workspace_status(&ws.id, "available").await;
    e.rec.clear();
    e.app.sync_now().await.unwrap();
    assert_eq!(notifications(&e.rec), vec![]);
    e.app.update_desktop_settings(DesktopSettings::default()).await.unwrap();
    Control::new(&emu).set_workspace_status(&ws.id, "deactivated").await;
    e.app.sync_now().await.unwrap();
    Control::new(&emu).set_workspace_status(&ws.id, "available").await;
    e.rec.clear();
    e.app.sync_now().await.unwrap();
    let got = notifications(&e.rec);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, NotificationKind::WorkspaceAvailable);
    assert!(got[0].1.ends_with("is available."), "{}", got[0].1);
    e.app.shutdown().await;
    emu.shutdown().await;
}

/// Guards the session warning: a browser sign-in whose session ends within a day is warned about
/// once (a key sign-in, which renews itself, never is), and not at all with the setting off.
#[tokio::test]
async fn a_session_that_cannot_renew_itself_is_warned_about_once() {
    let emu = start(EmulatorConfig {
        port: 0,
        auto_approve: true,
        token_ttl: Duration::from_secs(3 * 3600),
        device_poll_interval: 1,
        ..Default::default()
    })
    .await
    .unwrap();
    let e = env();
    e.app.begin_device_login(emu.base_url()).await.unwrap();
    e.app.complete_device_login().await.unwrap();
    e.app.sync_now().await.unwrap();
    e.app.sync_now().await.unwrap();
    let got = notifications(&e.rec);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, NotificationKind::SessionExpiring);
    assert!(
        got[0].1.contains("expires in about 2 h") || got[0].1.contains("expires in about 3 h"),
        "{}",
        got[0].1
    );
    assert!(got[0].1.contains("sign in again"), "{}", got[0].1);
    e.app.shutdown().await;

    let quiet = env();
    let off = DesktopSettings { notify_session_expiring: false, ..Default::default() };
    quiet.app.update_desktop_settings(off).await.unwrap();
    quiet.app.begin_device_login(emu.base_url()).await.unwrap();
    quiet.app.complete_device_login().await.unwrap();
    quiet.app.sync_now().await.unwrap();
    assert_eq!(notifications(&quiet.rec), vec![]);
    quiet.app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
    quiet.app.update_desktop_settings(DesktopSettings::default()).await.unwrap();
    quiet.app.sync_now().await.unwrap();
    assert_eq!(notifications(&quiet.rec), vec![], "a key sign-in renews itself: no warning");
    quiet.app.shutdown().await;
    emu.shutdown().await;
}

/// Guards "Copy link": the link `organization_link` gives opens that organization again.
#[tokio::test]
async fn an_organization_link_opens_its_organization() {
    let emu = emulator().await;
    let e = env();
    e.app.login_with_key(emu.base_url(), "ZENPAT_demo_multi_org".into()).await.unwrap();
    e.app.sync_now().await.unwrap();
    let link = e.app.organization_link(Some("orbit-labs".into())).await.unwrap();
    assert!(link.starts_with("zenml-pro-desktop://org/") && !link.ends_with("orbit-labs"), "{link}");
    e.app.switch_organization("acme-ml".into()).await.unwrap();
    assert_eq!(e.app.open_deep_link(&link).await, TrayOutcome::ShowWindow);
    assert_eq!(active(&e.app).await.as_deref(), Some("orbit-labs"));
    let err = e.app.organization_link(Some("no-such-org".into())).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err}");
    emu.shutdown().await;
}

/// Guards item 5: `zenml-pro-desktop://org/<id-or-name>` switches to that organization (by name,
/// display name or id, in another signed-in account if need be) and shows the window; a link that
/// cannot be followed is explained in the notice bar and changes nothing.
#[tokio::test]
async fn deep_links_open_the_organization_or_say_why_not() {
    let emu = emulator().await;
    let e = env();
    let multi = e.app.login_with_key(emu.base_url(), "ZENPAT_demo_multi_org".into()).await.unwrap();
    e.app.sync_now().await.unwrap();

    assert_eq!(e.app.open_deep_link("zenml-pro-desktop://org/orbit-labs").await, TrayOutcome::ShowWindow);
    assert_eq!(active(&e.app).await.as_deref(), Some("orbit-labs"));
    assert_eq!(e.app.open_deep_link("zenml-pro-desktop://org/Tiny%20Startup").await, TrayOutcome::ShowWindow);
    assert_eq!(active(&e.app).await.as_deref(), Some("tiny-startup"));
    let acme =
        e.app.list_organizations().await.unwrap().items.into_iter().find(|o| o.name == "acme-ml").unwrap();
    e.app.open_deep_link(&format!("zenml-pro-desktop://org/{}", acme.id)).await;
    assert_eq!(active(&e.app).await.as_deref(), Some("acme-ml"));

    // Another account is active: a link to an organization only the first one has switches back.
    let viewer = e.app.login_with_key(emu.base_url(), emu.credentials().viewer.key.clone()).await.unwrap();
    e.app.sync_now().await.unwrap();
    assert_eq!(e.app.app_state().await.unwrap().active_account.as_deref(), Some(viewer.id.as_str()));
    e.app.open_deep_link("zenml-pro-desktop://org/orbit-labs").await;
    assert_eq!(e.app.app_state().await.unwrap().active_account.as_deref(), Some(multi.id.as_str()));
    assert_eq!(active(&e.app).await.as_deref(), Some("orbit-labs"));

    e.rec.clear();
    for (link, says) in [
        ("zenml-pro-desktop://org/no-such-org", "no organization \"no-such-org\""),
        ("zenml-pro-desktop://workspace/x", "expected zenml-pro-desktop://org/"),
    ] {
        assert_eq!(e.app.open_deep_link(link).await, TrayOutcome::ShowWindow);
        let notice = e.rec.events().into_iter().rev().find_map(|ev| match ev {
            AppEvent::Notice { message } => Some(message),
            _ => None,
        });
        let notice = notice.unwrap_or_else(|| panic!("no notice for {link}"));
        assert!(notice.contains(says) && notice.contains(link), "{notice}");
    }
    assert_eq!(active(&e.app).await.as_deref(), Some("orbit-labs"), "a bad link changes nothing");

    // A display name made to look like another organization's name never stands for it: a link
    // matches an id, then a name, and a display name only when no organization has that name.
    e.app.switch_account(multi.id.clone()).await.unwrap();
    let token =
        zenml_pro_core::SecretStore::get(&*e.keyring, &multi.id, zenml_pro_core::SecretKind::AccessToken)
            .unwrap()
            .unwrap();
    let patched = reqwest::Client::new()
        .patch(format!("{}/organizations/{}", emu.base_url(), acme.id))
        .bearer_auth(token)
        .json(&serde_json::json!({"display_name": "orbit-labs"}))
        .send()
        .await
        .unwrap();
    assert!(patched.status().is_success(), "{}", patched.status());
    e.app.sync_now().await.unwrap();
    e.app.open_deep_link(&format!("zenml-pro-desktop://org/{}", acme.id)).await;
    assert_eq!(active(&e.app).await.as_deref(), Some("acme-ml"));
    e.app.open_deep_link("zenml-pro-desktop://org/orbit-labs").await;
    assert_eq!(active(&e.app).await.as_deref(), Some("orbit-labs"), "the name wins over a look-alike");
    e.app.open_deep_link("zenml-pro-desktop://org/Tiny%20Startup").await;
    assert_eq!(active(&e.app).await.as_deref(), Some("tiny-startup"), "a unique display name still works");
    e.app.shutdown().await;
    emu.shutdown().await;
}

/// Guards the desktop settings: saved, announced, "start at login" writes and removes the autostart
/// entry (hidden start), and a failure to write it changes nothing.
#[tokio::test]
async fn desktop_settings_are_saved_and_start_at_login_writes_the_autostart_entry() {
    let e = env();
    assert_eq!(e.app.desktop_settings().await.unwrap(), DesktopSettings::default());
    let want = DesktopSettings { start_at_login: true, tray_icon: TrayIconStyle::Dark, ..Default::default() };
    assert_eq!(e.app.update_desktop_settings(want.clone()).await.unwrap(), want);
    let entry = std::fs::read_to_string(e.dir.path().join("autostart").join(AUTOSTART_FILE)).unwrap();
    assert!(entry.contains("Exec=\"/usr/bin/zenml-pro-desktop\" --hidden"), "{entry}");
    assert_eq!(DesktopSettings::load(e.dir.path()), want);
    assert_eq!(e.rec.events().last(), Some(&AppEvent::SettingsChanged { settings: want.clone() }));

    let off = DesktopSettings { start_at_login: false, ..want.clone() };
    e.app.update_desktop_settings(off.clone()).await.unwrap();
    assert!(!e.dir.path().join("autostart").join(AUTOSTART_FILE).exists());

    // The autostart folder cannot be created (a file is in its way): an error, nothing changed.
    std::fs::remove_dir_all(e.dir.path().join("autostart")).unwrap();
    std::fs::write(e.dir.path().join("autostart"), b"in the way").unwrap();
    let err = e.app.update_desktop_settings(want.clone()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Internal);
    assert!(err.message.contains("autostart"), "{}", err.message);
    assert_eq!(e.app.desktop_settings().await.unwrap(), off);
    let saved: Value =
        serde_json::from_slice(&std::fs::read(e.dir.path().join(SETTINGS_FILE)).unwrap()).unwrap();
    assert_eq!(saved["start_at_login"], json!(false));
    assert_eq!(saved["tray_icon"], json!("dark"));
}

async fn active(app: &zenml_pro_app::App) -> Option<String> {
    app.list_organizations().await.unwrap().items.into_iter().find(|o| o.active).map(|o| o.name)
}

/// A stand-in for the shell's autostart (a LaunchAgent on macOS, the `Run` key on Windows): records
/// what it was asked, and fails when told to.
struct StandInAutostart {
    on: std::sync::Mutex<bool>,
    calls: std::sync::Mutex<Vec<bool>>,
    fail: Option<zenml_pro_app::settings::AutostartError>,
}

impl zenml_pro_app::settings::Autostart for StandInAutostart {
    fn set(&self, on: bool) -> Result<(), zenml_pro_app::settings::AutostartError> {
        self.calls.lock().unwrap().push(on);
        if let Some(e) = &self.fail {
            return Err(e.clone());
        }
        *self.on.lock().unwrap() = on;
        Ok(())
    }

    fn is_enabled(&self) -> bool {
        *self.on.lock().unwrap()
    }
}

/// Guards the autostart seam: the shell's own start at login replaces the freedesktop entry (no file
/// is written then), the setting follows what the system has at start, and its failures come back
/// in plain words with their kind and change nothing.
#[tokio::test]
async fn the_shells_autostart_replaces_the_desktop_entry_and_the_setting_follows_the_system() {
    use std::sync::{Arc, Mutex};
    use zenml_pro_app::settings::{Autostart, AutostartError};

    // Registered outside the app (the user added the login item): the setting says so at start.
    let dir = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::new());
    let system = Arc::new(StandInAutostart { on: Mutex::new(true), calls: Mutex::default(), fail: None });
    let config =
        common::config(dir.path(), Arc::new(zenml_pro_core::MemoryKeyring::new()), Duration::from_secs(3600));
    let app =
        zenml_pro_app::App::new(config, rec.clone(), rec.clone()).unwrap().with_autostart(system.clone());
    assert!(app.desktop_settings().await.unwrap().start_at_login, "the system has it on");

    let off = DesktopSettings { start_at_login: false, ..Default::default() };
    assert_eq!(app.update_desktop_settings(off.clone()).await.unwrap(), off);
    assert_eq!(*system.calls.lock().unwrap(), vec![false]);
    assert!(!system.is_enabled());
    // Only a change of the setting reaches the system.
    let dark = DesktopSettings { tray_icon: TrayIconStyle::Dark, ..off.clone() };
    app.update_desktop_settings(dark.clone()).await.unwrap();
    assert_eq!(system.calls.lock().unwrap().len(), 1);
    let on = DesktopSettings { start_at_login: true, ..dark.clone() };
    app.update_desktop_settings(on.clone()).await.unwrap();
    assert_eq!(*system.calls.lock().unwrap(), vec![false, true]);
    assert!(!dir.path().join("autostart").exists(), "no freedesktop entry besides the shell's own");
    app.shutdown().await;

    // Saved on, but removed outside the app since: the setting says off.
    *system.on.lock().unwrap() = false;
    let config =
        common::config(dir.path(), Arc::new(zenml_pro_core::MemoryKeyring::new()), Duration::from_secs(3600));
    let app =
        zenml_pro_app::App::new(config, rec.clone(), rec.clone()).unwrap().with_autostart(system.clone());
    assert_eq!(DesktopSettings::load(dir.path()), on, "the file still says on");
    assert!(!app.desktop_settings().await.unwrap().start_at_login);
    app.shutdown().await;

    // The system's failures: their words, their kind, nothing changed.
    for (fail, code) in [
        (
            AutostartError::Unavailable("starting at login is not available here".into()),
            ErrorCode::InvalidInput,
        ),
        (AutostartError::Failed("could not write the login item: access denied".into()), ErrorCode::Internal),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let system = Arc::new(StandInAutostart {
            on: Mutex::new(false),
            calls: Mutex::default(),
            fail: Some(fail.clone()),
        });
        let config = common::config(
            dir.path(),
            Arc::new(zenml_pro_core::MemoryKeyring::new()),
            Duration::from_secs(3600),
        );
        let app = zenml_pro_app::App::new(config, rec.clone(), rec.clone()).unwrap().with_autostart(system);
        let err = app.update_desktop_settings(on.clone()).await.unwrap_err();
        assert_eq!(err.code, code);
        assert_eq!(err.message, fail.to_string());
        assert_eq!(app.desktop_settings().await.unwrap(), DesktopSettings::default());
        assert!(!dir.path().join(SETTINGS_FILE).exists(), "nothing saved");
        app.shutdown().await;
    }
}
