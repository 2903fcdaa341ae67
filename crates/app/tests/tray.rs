//! The tray: the menu model for each state (signed in, offline, signed out, several accounts), its
//! lossless item ids, and its actions run through `App::tray_action`, the handler the tray's menu
//! calls, against the emulator.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use common::env;
use zenml_pro_app::settings::{DesktopSettings, SETTINGS_FILE};
use zenml_pro_app::tray::{TrayAccount, TrayItem, TrayOrg};
use zenml_pro_app::{tray_menu, App, AppEvent, ErrorCode, Recorder, TrayAction, TrayOutcome, TrayState};
use zenml_pro_emulator::{start, EmulatorConfig};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, h, m, 0).unwrap()
}

fn org(id: &str, name: &str, active: bool) -> TrayOrg {
    TrayOrg { id: id.into(), name: name.into(), active, workspaces: Vec::new() }
}

fn account(id: &str, label: &str, orgs: Vec<TrayOrg>, synced_at: Option<DateTime<Utc>>) -> TrayAccount {
    TrayAccount { id: id.into(), label: label.into(), signed_in: true, organizations: orgs, synced_at }
}

fn state(accounts: Vec<TrayAccount>, active: Option<&str>, online: bool) -> TrayState {
    TrayState {
        accounts,
        active_account: active.map(Into::into),
        online,
        close_to_tray: true,
        utc_offset: FixedOffset::east_opt(0).unwrap(),
        update_available: None,
    }
}

fn ada() -> TrayAccount {
    account(
        "acc-1",
        "ada@example.com",
        vec![org("o-1", "Acme ML", true), org("o-2", "Orbit Labs", false)],
        Some(at(13, 59)),
    )
}

/// Guards the signed-in menu: header (account, active organization, age), the organizations with
/// the active one checked, and every action.
#[test]
fn signed_in_menu_has_header_organizations_and_actions() {
    let menu = tray_menu(&state(vec![ada()], Some("acc-1"), true), at(14, 2));
    assert_eq!(
        menu.render(),
        "ada@example.com\nAcme ML\nsynced 3 min ago\n---\n[x] Acme ML\n[ ] Orbit Labs\n---\nSync now\n\
         Open ZenML Pro Desktop\nOpen Acme ML in dashboard\n---\n\
         [x] Keep running in the tray when the window is closed\nQuit\n"
    );
    assert_eq!(
        menu.actions(),
        vec![
            &TrayAction::SwitchOrg { account_id: "acc-1".into(), org_id: "o-1".into() },
            &TrayAction::SwitchOrg { account_id: "acc-1".into(), org_id: "o-2".into() },
            &TrayAction::SyncNow,
            &TrayAction::OpenWindow,
            &TrayAction::OpenDashboard,
            &TrayAction::SetCloseToTray { on: false },
            &TrayAction::Quit,
        ]
    );
    // The age follows the clock: a rebuild later says so.
    let later = tray_menu(&state(vec![ada()], Some("acc-1"), true), at(16, 0));
    assert!(later.render().contains("\nsynced 2 h ago\n"), "{}", later.render());
    let fresh = tray_menu(&state(vec![ada()], Some("acc-1"), true), at(13, 59));
    assert!(fresh.render().contains("\nsynced just now\n"));
}

/// Guards the offline menu: "offline — as of <local time>" (with the date when not today), and
/// switching still offered.
#[test]
fn offline_menu_says_as_of_when_in_local_time() {
    let mut s = state(vec![ada()], Some("acc-1"), false);
    let menu = tray_menu(&s, at(15, 0));
    assert!(
        menu.render().starts_with("ada@example.com\nAcme ML\noffline — as of 13:59\n"),
        "{}",
        menu.render()
    );
    assert!(menu.render().contains("[ ] Orbit Labs\n"), "switching works offline");
    assert!(menu.render().contains("\nSync now\n"), "a sync may be tried");

    s.utc_offset = FixedOffset::east_opt(2 * 3600).unwrap();
    assert!(tray_menu(&s, at(15, 0)).render().contains("offline — as of 15:59\n"));
    let next_day = at(15, 0) + chrono::Duration::days(1);
    assert!(tray_menu(&s, next_day).render().contains("offline — as of 14 Mar 15:59\n"));
}

/// Guards the signed-out menus (no account at all; an account signed out): no organization to
/// switch to, no sync, no dashboard; the window and Quit stay.
#[test]
fn signed_out_menu_offers_the_window_and_quit() {
    let none = tray_menu(&state(vec![], None, true), at(14, 0));
    assert_eq!(
        none.render(),
        "No account\nsigned out\n---\nSync now (disabled)\nOpen ZenML Pro Desktop\n\
         Open in dashboard (disabled)\n---\n[x] Keep running in the tray when the window is closed\nQuit\n"
    );
    let mut gone = ada();
    gone.signed_in = false;
    gone.organizations.clear();
    let out = tray_menu(&state(vec![gone], Some("acc-1"), true), at(14, 0));
    assert!(
        out.render().starts_with("ada@example.com\nsigned out\n---\nSync now (disabled)\n"),
        "{}",
        out.render()
    );
    assert!(!out.actions().iter().any(|a| matches!(a, TrayAction::SwitchOrg { .. })));
}

/// Guards several accounts: organizations grouped under each account, only the active account's
/// active organization checked, signed-out accounts left out.
#[test]
fn several_accounts_are_grouped_with_one_check() {
    let grace = account(
        "acc-2",
        "grace@example.org",
        vec![org("o-3", "Tiny Startup", true), org("o-1", "Acme ML", false)],
        Some(at(13, 0)),
    );
    let mut gone = account("acc-3", "old@example.net", vec![], None);
    gone.signed_in = false;
    let menu = tray_menu(&state(vec![ada(), grace, gone], Some("acc-2"), true), at(14, 0));
    assert_eq!(
        menu.render(),
        "grace@example.org\nTiny Startup\nsynced 1 h ago\n---\nada@example.com\n[ ] Acme ML\n[ ] Orbit Labs\n\
         grace@example.org\n[x] Tiny Startup\n[ ] Acme ML\n---\nSync now\nOpen ZenML Pro Desktop\n\
         Open Tiny Startup in dashboard\n---\n[x] Keep running in the tray when the window is closed\nQuit\n"
    );
    // The same organization under two accounts is two distinct items.
    let switches: Vec<String> = menu
        .actions()
        .iter()
        .filter(|a| matches!(a, TrayAction::SwitchOrg { .. }))
        .map(|a| a.to_id())
        .collect();
    let unique: std::collections::HashSet<&String> = switches.iter().collect();
    assert_eq!(unique.len(), 4);
}

/// Guards the item ids: every action survives `to_id`/`from_id`, whatever its ids contain, and ids the
/// tray did not make are refused.
#[test]
fn menu_ids_round_trip_losslessly() {
    let actions = [
        TrayAction::SwitchOrg { account_id: "a_b:c".into(), org_id: "o_1\"\\/ é".into() },
        TrayAction::SwitchOrg { account_id: String::new(), org_id: "_".into() },
        TrayAction::SyncNow,
        TrayAction::OpenWindow,
        TrayAction::OpenDashboard,
        TrayAction::SetCloseToTray { on: true },
        TrayAction::SetCloseToTray { on: false },
        TrayAction::Quit,
    ];
    for a in actions {
        assert_eq!(TrayAction::from_id(&a.to_id()), Some(a.clone()), "{}", a.to_id());
    }
    for foreign in ["", "quit", "switch_org_a_b", "{\"switch_org\":{}}", "1"] {
        assert_eq!(TrayAction::from_id(foreign), None, "{foreign}");
    }
    // Every item of a real menu carries an id that maps back to its action.
    let menu = tray_menu(&state(vec![ada()], Some("acc-1"), true), at(14, 0));
    for item in &menu.items {
        if let TrayItem::Action { action, .. } | TrayItem::Check { action, .. } = item {
            assert_eq!(TrayAction::from_id(&action.to_id()).as_ref(), Some(action));
        }
    }
}

/// The switch item for `name` in the app's current menu, as the tray would route it: by its id.
fn switch_to(app: &App, name: &str) -> TrayAction {
    let menu = tray_menu(&app.tray_state().unwrap(), Utc::now());
    let id = menu
        .items
        .iter()
        .find_map(|i| match i {
            TrayItem::Check { label, action, .. } if label == name => Some(action.to_id()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no item {name} in\n{}", menu.render()));
    TrayAction::from_id(&id).expect("the tray's own id")
}

fn checked(app: &App) -> Vec<String> {
    tray_menu(&app.tray_state().unwrap(), Utc::now())
        .items
        .into_iter()
        .filter_map(|i| match i {
            TrayItem::Check { label, checked: true, action: TrayAction::SwitchOrg { .. }, .. } => Some(label),
            _ => None,
        })
        .collect()
}

/// Guards a switch from the tray: it goes through the window's switch (the window is told by one
/// `active_org_changed`), works offline, and survives a restart.
#[tokio::test]
async fn a_tray_switch_tells_the_window_works_offline_and_survives_restart() {
    let e = env();
    e.app.start_demo().await.unwrap();
    e.app.switch_organization("acme-ml".into()).await.unwrap();
    let state = e.app.tray_state().unwrap();
    let menu = tray_menu(&state, Utc::now());
    assert!(menu.render().contains("\nAcme ML\nWorkspaces: 4 ZenML\nsynced just now\n"), "{}", menu.render());
    assert_eq!(checked(&e.app), vec!["Acme ML"]);

    e.rec.clear();
    let outcome = e.app.tray_action(switch_to(&e.app, "Orbit Labs")).await.unwrap();
    assert_eq!(outcome, TrayOutcome::Done);
    let orbit = e.app.list_organizations().await.unwrap().items.into_iter().find(|o| o.active).unwrap();
    assert_eq!(orbit.name, "orbit-labs");
    let account = state.active_account.clone().unwrap();
    assert_eq!(
        e.rec.events(),
        vec![AppEvent::ActiveOrgChanged { account_id: account.clone(), org_id: orbit.id.clone() }],
        "one typed event, the same the window's switch sends"
    );
    assert_eq!(checked(&e.app), vec!["Orbit Labs"]);

    // Offline: the server is gone, the switch still works from the cache.
    e.app.stop_demo().await.unwrap();
    let err = e.app.tray_action(TrayAction::SyncNow).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline);
    assert!(tray_menu(&e.app.tray_state().unwrap(), Utc::now()).render().contains("offline — as of "));
    e.app.tray_action(switch_to(&e.app, "Tiny Startup")).await.unwrap();
    assert_eq!(checked(&e.app), vec!["Tiny Startup"]);
    e.app.shutdown().await;

    // A restart reads the same choice back.
    let again = App::new(
        common::config(e.dir.path(), e.keyring.clone(), Duration::from_secs(3600)),
        Arc::new(Recorder::new()),
        Arc::new(Recorder::new()),
    )
    .unwrap();
    assert_eq!(checked(&again), vec!["Tiny Startup"]);
}

/// Guards "one switch at a time": many tray switches at once all finish, and the organization left
/// active is the one the window was told about last.
#[tokio::test]
async fn tray_switches_run_one_at_a_time() {
    let e = env();
    e.app.start_demo().await.unwrap();
    let targets =
        [switch_to(&e.app, "Acme ML"), switch_to(&e.app, "Orbit Labs"), switch_to(&e.app, "Tiny Startup")];
    e.rec.clear();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (app, action) = (e.app.clone(), targets[i % 3].clone());
        tasks.push(tokio::spawn(async move { app.tray_action(action).await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), TrayOutcome::Done);
    }
    let told: Vec<String> = e
        .rec
        .events()
        .into_iter()
        .filter_map(|ev| match ev {
            AppEvent::ActiveOrgChanged { org_id, .. } => Some(org_id),
            _ => None,
        })
        .collect();
    assert_eq!(told.len(), 12);
    let active = e.app.list_organizations().await.unwrap().items.into_iter().find(|o| o.active).unwrap();
    assert_eq!(told.last(), Some(&active.id));
    e.app.shutdown().await;
}

/// Guards a switch to another account's organization: the account becomes active, then the
/// organization, and the menu checks it under that account.
#[tokio::test]
async fn a_tray_switch_across_accounts_activates_the_account() {
    let e = env();
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let creds = emu.credentials().clone();
    let a = e.app.login_with_key(emu.base_url(), creds.admin.key.clone()).await.unwrap();
    e.app.sync_now().await.unwrap();
    let b = e.app.login_with_key(emu.base_url(), creds.multi_org.key.clone()).await.unwrap();
    e.app.sync_now().await.unwrap();
    assert_eq!(e.app.app_state().await.unwrap().active_account, Some(b.id.clone()));

    let state = e.app.tray_state().unwrap();
    let menu = tray_menu(&state, Utc::now());
    let a_label = state.accounts.iter().find(|x| x.id == a.id).unwrap().label.clone();
    assert!(menu.render().contains(&format!("\n{a_label}\n[ ] ")), "grouped: {}", menu.render());
    let a_org = state.accounts.iter().find(|x| x.id == a.id).unwrap().organizations[0].clone();

    e.rec.clear();
    e.app
        .tray_action(TrayAction::SwitchOrg { account_id: a.id.clone(), org_id: a_org.id.clone() })
        .await
        .unwrap();
    assert_eq!(e.app.app_state().await.unwrap().active_account, Some(a.id.clone()));
    let events = e.rec.events();
    assert!(events.contains(&AppEvent::SessionChanged {}), "{events:?}");
    assert_eq!(
        events.last(),
        Some(&AppEvent::ActiveOrgChanged { account_id: a.id.clone(), org_id: a_org.id.clone() })
    );
    let menu = tray_menu(&e.app.tray_state().unwrap(), Utc::now()).render();
    assert!(menu.starts_with(&format!("{a_label}\n{}\n", a_org.name)), "{menu}");
    e.app.shutdown().await;
}

/// Guards the other actions: the window and Quit are left to the shell, the dashboard opens the
/// active organization, and the close-to-tray setting is saved (default on; a broken file gives the
/// default).
#[tokio::test]
async fn window_dashboard_quit_and_the_close_to_tray_setting() {
    let e = env();
    assert_eq!(e.app.tray_action(TrayAction::OpenWindow).await.unwrap(), TrayOutcome::ShowWindow);
    assert_eq!(e.app.tray_action(TrayAction::Quit).await.unwrap(), TrayOutcome::Quit);
    assert_eq!(e.app.tray_action(TrayAction::SyncNow).await.unwrap_err().code, ErrorCode::Unauthorized);

    e.app.start_demo().await.unwrap();
    let acme = e.app.switch_organization("acme-ml".into()).await.unwrap();
    e.app.tray_action(TrayAction::OpenDashboard).await.unwrap();
    assert_eq!(
        e.rec.urls().last().unwrap(),
        &format!("https://dashboard.example.test/organizations/{}", acme.id)
    );

    assert!(e.app.close_to_tray(), "on by default");
    e.app.tray_action(TrayAction::SetCloseToTray { on: false }).await.unwrap();
    assert!(!e.app.close_to_tray());
    assert!(!e.app.tray_state().unwrap().close_to_tray);
    assert_eq!(
        DesktopSettings::load(e.dir.path()),
        DesktopSettings { close_to_tray: false, ..Default::default() }
    );
    e.app.shutdown().await;

    std::fs::write(e.dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
    assert_eq!(DesktopSettings::load(e.dir.path()), DesktopSettings::default());
    assert!(DesktopSettings::default().close_to_tray);
}
