//! The real app in its real webview against the emulator. Ignored in a plain `cargo test` (they need
//! a display, WebKitWebDriver and a D-Bus session); `scripts/e2e.sh` runs them.

use anyhow::Result;
use zenml_pro_e2e::App;
use zenml_pro_emulator::{start, EmulatorConfig};

/// Demo sign-in; switch organization; invite a member and see it pending; an error from the server in
/// plain words; revoke; change a role.
#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn demo_session_switch_invite_error_revoke_and_role_change() -> Result<()> {
    let app = App::launch(&[]).await?;
    let result = demo_session(&app).await;
    app.close().await?;
    result
}

async fn demo_session(app: &App) -> Result<()> {
    app.click_button("Try the demo").await?;
    // The organization switcher lists every organization of the demo user.
    app.wait_for_text("Orbit Labs").await?;
    app.wait_for_text("Tiny Startup").await?;
    app.screenshot("overview").await?;

    // Switch organization: the overview follows.
    app.click_button_containing("Orbit Labs").await?;
    app.wait_until("the overview of orbit-labs", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "orbit-labs")
    })
    .await?;
    app.click_button_containing("Acme ML").await?;
    app.wait_until("the overview of acme-ml", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "acme-ml")
    })
    .await?;

    // Invite a member and see the invitation pending.
    app.click_button("Invitations").await?;
    app.fill("Email addresses", "e2e.person@example.com").await?;
    app.choose("Role", "Organization Viewer").await?;
    app.click_button("Invite").await?;
    app.wait_for_text("e2e.person@example.com: invited").await?;
    app.find("//table//tr[td[contains(., 'e2e.person@example.com')] and td[contains(., 'Pending')]]").await?;
    app.screenshot("invitations").await?;

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
    app.screenshot("members").await?;
    for (screen, name) in [("Workspaces", "workspaces"), ("Settings", "settings")] {
        app.click_button(screen).await?;
        app.screenshot(name).await?;
    }
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
