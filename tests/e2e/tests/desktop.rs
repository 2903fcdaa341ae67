//! The real app in its real webview against the emulator. Ignored in a plain `cargo test` (they need
//! a display, WebKitWebDriver and a D-Bus session); `scripts/e2e.sh` runs them.

use anyhow::Result;
use zenml_pro_e2e::{stand_in_opener, App};
use zenml_pro_emulator::{start, EmulatorConfig};

/// How the demo's organizations are labelled in the window: by display name where the server sends
/// one (the default dialect), else by name (the variant sends none).
struct Labels {
    acme: &'static str,
    orbit: &'static str,
    tiny: &'static str,
    /// The Diagnostics page's verdict against this dialect.
    verdict: &'static str,
    /// Prefix of this run's screenshots.
    shots: &'static str,
    /// Whether the member list has a row of a kind the app does not know.
    unreadable_row: bool,
}

const DEFAULT_DIALECT: Labels = Labels {
    acme: "Acme ML",
    orbit: "Orbit Labs",
    tiny: "Tiny Startup",
    verdict: "All is well",
    shots: "",
    unreadable_row: false,
};

const VARIANT_DIALECT: Labels = Labels {
    acme: "acme-ml",
    orbit: "orbit-labs",
    tiny: "tiny-startup",
    verdict: "Some checks warn or fail",
    shots: "variant-",
    unreadable_row: true,
};

/// Demo sign-in; switch organization; invite a member and see it pending; an error from the server in
/// plain words; revoke; change a role; the Diagnostics page (check again, copy the report, open the
/// log folder through the desktop's opener).
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn demo_session_switch_invite_error_revoke_and_role_change() -> Result<()> {
    let opener = tempfile::tempdir()?;
    let (path, opened) = stand_in_opener(opener.path())?;
    let app = App::launch(&[("PATH", &path)]).await?;
    let result = demo_session(&app, &DEFAULT_DIALECT, &opened).await;
    app.close().await?;
    result
}

/// The same walk-through with the demo server speaking the variant dialect (section 6 of the
/// contract: no display names, role entries without names, invitations with a list of roles, pages of
/// at most 100, unknown fields and a row of an unknown kind).
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn demo_session_against_the_variant_dialect() -> Result<()> {
    let opener = tempfile::tempdir()?;
    let (path, opened) = stand_in_opener(opener.path())?;
    let app = App::launch(&[("PATH", &path), ("ZENML_PRO_DESKTOP_DEMO_DIALECT", "variant")]).await?;
    let result = demo_session(&app, &VARIANT_DIALECT, &opened).await;
    app.close().await?;
    result
}

async fn demo_session(app: &App, labels: &Labels, opened: &std::path::Path) -> Result<()> {
    let shot = |name: &str| format!("{}{name}", labels.shots);
    app.click_button("Try the demo").await?;
    // The organization switcher lists every organization of the demo user.
    app.wait_for_text(labels.orbit).await?;
    app.wait_for_text(labels.tiny).await?;
    app.screenshot(&shot("overview")).await?;

    // Switch organization: the overview follows.
    app.click_button_containing(labels.orbit).await?;
    app.wait_until("the overview of orbit-labs", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "orbit-labs")
    })
    .await?;
    app.click_button_containing(labels.acme).await?;
    app.wait_until("the overview of acme-ml", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "acme-ml")
    })
    .await?;

    // Manage billing opens the billing page in the browser (the app's opener, not the webview).
    app.click_button("Manage billing").await?;
    app.wait_until("the billing page to be opened", || async {
        let asked = std::fs::read_to_string(opened).unwrap_or_default();
        Ok(asked.lines().any(|l| l.starts_with("https://") && l.trim_end().ends_with("/settings/billing")))
    })
    .await?;

    // Invite a member and see the invitation pending.
    app.click_button("Invitations").await?;
    app.fill("Email addresses", "e2e.person@example.com").await?;
    app.choose("Role", "Organization Viewer").await?;
    app.click_button("Invite").await?;
    app.wait_for_text("e2e.person@example.com: invited").await?;
    app.find("//table//tr[td[contains(., 'e2e.person@example.com')] and td[contains(., 'Pending')]]").await?;
    app.screenshot(&shot("invitations")).await?;

    // The same address again: the server answers 409, shown in plain words, never as raw JSON.
    app.fill("Email addresses", "e2e.person@example.com").await?;
    app.click_button("Invite").await?;
    app.wait_for_text("e2e.person@example.com: This clashes with something that already exists").await?;
    let text = app.body_text().await?;
    assert!(!text.contains("{\"detail\""), "no raw JSON in the window: {text}");

    // Revoke it: it leaves the pending list.
    app.click_button("Revoke invitation to e2e.person@example.com").await?;
    if app.body_text().await?.contains("Revoke the invitation") {
        app.click_button("Revoke").await?;
    }
    app.wait_until("the invitation to leave the pending list", || async {
        Ok(app
            .client
            .find_all(fantoccini::Locator::XPath("//table//tr[td[contains(., 'e2e.person@example.com')]]"))
            .await?
            .is_empty())
    })
    .await?;

    // Change a member's role.
    app.click_button("Members").await?;
    app.wait_for_text("viewer@acme-ml.example").await?;
    app.choose("Role of Acme Viewer", "Organization Manager").await?;
    app.wait_until("the role chip to change", || async {
        let row = app.find("//table//tr[td[contains(., 'viewer@acme-ml.example')]]").await?;
        Ok(row.text().await?.contains("Organization Manager"))
    })
    .await?;
    app.screenshot(&shot("members")).await?;
    for (screen, name) in [("Workspaces", "workspaces"), ("Settings", "settings")] {
        app.click_button(screen).await?;
        app.screenshot(&shot(name)).await?;
    }

    // Diagnostics: the verdict against this server, checked again, the report copied, and the log
    // folder opened by the desktop's opener. Against the variant, the member list says a row could not
    // be read, and its link opens the page.
    if labels.unreadable_row {
        app.click_button("Members").await?;
        app.wait_for_text("1 row could not be read").await?;
        app.click_button("Open Diagnostics").await?;
    } else {
        app.click_button("Diagnostics").await?;
    }
    app.wait_for_text(labels.verdict).await?;
    app.wait_for_text("GET /organizations/{id}/members").await?;
    app.click_button("Check again").await?;
    app.wait_for_text(labels.verdict).await?;
    app.click_button("Copy report").await?;
    app.wait_for_text("Copied").await?;
    app.click_button("Report as text").await?;
    app.wait_for_text("diagnostics of").await?;
    app.screenshot(&shot("diagnostics")).await?;
    app.click_button("Open log folder").await?;
    let logs = app.data_dir().join("logs");
    app.wait_until("the log folder to be opened", || async {
        let asked = std::fs::read_to_string(opened).unwrap_or_default();
        Ok(asked.lines().any(|l| std::path::Path::new(l.trim()) == logs))
    })
    .await?;
    assert!(logs.is_dir(), "the app writes its log beside its data");
    Ok(())
}

/// Signed in with a key to an emulator that then stops: the offline banner appears and the cached
/// data stays on screen.
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn offline_banner_with_cached_data() -> Result<()> {
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await?;
    let app = App::launch(&[]).await?;
    let result = offline_session(&app, emu).await;
    app.close().await?;
    result
}

async fn offline_session(app: &App, emu: zenml_pro_emulator::RunningEmulator) -> Result<()> {
    app.click_button("Self-hosted control plane").await?;
    app.fill("API URL", &emu.base_url()).await?;
    app.fill("Or sign in with an API key or token", &emu.credentials().admin.key).await?;
    app.click_button("Sign in").await?;
    app.wait_for_text("acme-ml").await?;
    app.click_button("Members").await?;
    app.wait_for_text("viewer@acme-ml.example").await?;

    emu.shutdown().await;
    app.click_button("Refresh").await?;
    app.wait_for_text("Offline — showing data as of").await?;
    let text = app.body_text().await?;
    assert!(text.contains("viewer@acme-ml.example"), "cached members stay on screen: {text}");
    app.screenshot("offline").await?;
    Ok(())
}

/// A switch from the tray shows in the window: the tray's own menu id for "Orbit Labs", handed to the
/// running app by a second launch (`--tray-action`), goes through the handler the menu calls, and the
/// overview follows. Also checks single instance: the second launch ends at once and opens no window;
/// and deep links (`zenml-pro-desktop://org/<name>`) handed over the same way.
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_tray_switch_shows_in_the_window() -> Result<()> {
    let app = App::launch(&[]).await?;
    let result = tray_switch(&app).await;
    app.close().await?;
    result
}

async fn tray_switch(app: &App) -> Result<()> {
    app.click_button("Try the demo").await?;
    app.wait_for_text("Orbit Labs").await?;
    app.click_button_containing("Acme ML").await?;
    let overview_is = |name: &'static str| {
        move || async move {
            Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
                == name)
        }
    };
    app.wait_until("the overview of acme-ml", overview_is("acme-ml")).await?;

    // The menu's item for Orbit Labs, built from the app's cache the way the tray builds it.
    let action = {
        let (core, _) = zenml_pro_core::Core::open(zenml_pro_core::CoreOptions {
            data_dir: app.data_dir(),
            secrets: std::sync::Arc::new(zenml_pro_core::MemoryKeyring::new()),
            client: Default::default(),
        })?;
        let account = core.active_account()?.expect("the demo account is active");
        let orbit = core
            .organizations(&account.id)?
            .into_iter()
            .find(|o| o.organization.name == "orbit-labs")
            .expect("orbit-labs is cached");
        zenml_pro_app::TrayAction::SwitchOrg {
            account_id: account.id,
            org_id: orbit.organization.id.to_string(),
        }
    };
    let status = app.launch_again(&["--tray-action", &action.to_id()])?;
    assert!(status.success(), "the second launch hands over and exits: {status}");
    app.wait_until("the overview of orbit-labs after the tray switch", overview_is("orbit-labs")).await?;
    app.screenshot("tray-switch").await?;

    // A plain second launch only brings the running window forward.
    assert!(app.launch_again(&[])?.success());
    app.wait_until("the window to stay on orbit-labs", overview_is("orbit-labs")).await?;

    // A deep link, as the desktop hands it over (`Exec=zenml-pro-desktop %u`), opens its organization
    // by name; one that names no known organization is explained in the window and changes nothing.
    assert!(app.launch_again(&["zenml-pro-desktop://org/tiny-startup"])?.success());
    app.wait_until("the overview of tiny-startup after the deep link", overview_is("tiny-startup")).await?;
    assert!(app.launch_again(&["zenml-pro-desktop://org/no-such-org"])?.success());
    app.wait_for_text("Could not open zenml-pro-desktop://org/no-such-org").await?;
    app.wait_until("the window to stay on tiny-startup", overview_is("tiny-startup")).await?;
    app.screenshot("deep-link-notice").await?;
    Ok(())
}

/// With no StatusNotifier host (none runs in the test session) the app warns in its log, stays up,
/// shows its window even when asked to start hidden (nothing else could bring it back), and keeps its
/// single instance: a second launch is handed to it and exits.
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn no_tray_host_is_a_warning_and_a_second_launch_is_handed_over() -> Result<()> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let home = tempfile::tempdir()?;
    let mut cmd = Command::new(zenml_pro_e2e::app_binary());
    // As "start at login" launches it: hidden in the tray, which is not there, so the window stays.
    cmd.arg("--hidden").stdout(Stdio::null()).stderr(Stdio::piped());
    zenml_pro_e2e::private_env(&mut cmd, home.path());
    let mut first = cmd.spawn()?;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stderr = first.stderr.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut log = Vec::new();
    let wait_for = |needle: &str, log: &mut Vec<String>| -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < zenml_pro_e2e::STEP_TIMEOUT {
            if log.iter().any(|l| l.contains(needle)) {
                return Ok(());
            }
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                log.push(line);
            }
        }
        anyhow::bail!("no {needle:?} in the log:\n{}", log.join("\n"))
    };
    let result = (|| -> Result<()> {
        wait_for("no StatusNotifier host", &mut log)?;
        wait_for("tray icon created", &mut log)?;
        wait_for("asked to start hidden, but no tray is shown: showing the window", &mut log)?;
        let mut second = Command::new(zenml_pro_e2e::app_binary());
        second.stdout(Stdio::null()).stderr(Stdio::null());
        zenml_pro_e2e::private_env(&mut second, home.path());
        let status = second.status()?;
        assert!(status.success(), "{status}");
        wait_for("a second launch: showing the running window", &mut log)?;
        assert!(first.try_wait()?.is_none(), "the first instance is still running");
        let warnings: Vec<&String> = log.iter().filter(|l| l.contains("WARN")).collect();
        assert!(warnings.iter().all(|l| !l.to_lowercase().contains("token")), "{warnings:?}");
        Ok(())
    })();
    let _ = first.kill();
    let _ = first.wait();
    result
}

/// With a StatusNotifier host (xfce4-panel's status tray, on a display and D-Bus session of its own:
/// `tests/e2e/tray-host.sh`), the tray icon is created, a `--hidden` start (what "start at login"
/// launches) keeps the window unmapped, and a second launch shows it.
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_hidden_start_stays_in_the_tray_until_a_second_launch() -> Result<()> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tray-host.sh");
    let out = std::process::Command::new("bash").arg(script).arg(zenml_pro_e2e::app_binary()).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let value = |key: &str| {
        stdout.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().to_owned()).unwrap_or_default()
    };
    assert!(out.status.success(), "{report}");
    assert!(stdout.contains("log: ") && stdout.contains("tray icon created"), "{report}");
    assert!(!stdout.contains("no StatusNotifier host"), "the panel is a StatusNotifier host: {report}");
    assert!(stdout.contains("started hidden in the tray"), "{report}");
    assert_eq!(value("visible-at-start:"), "0", "{report}");
    assert_eq!(value("visible-after-second-launch:"), "1", "{report}");
    Ok(())
}
