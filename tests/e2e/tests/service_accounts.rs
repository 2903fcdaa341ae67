//! Members → Service accounts in the real window, against the emulator: a service account created
//! (after the note of what its username may adopt), a key created and shown once in its dialog (Copy
//! puts it on the clipboard; it signs in at the server; closed, its value is gone from the window),
//! then rotated with an hour of retention (the new value and the old one both sign in). Neither value
//! is in any file the app wrote. Screenshots: the Service accounts page and a key shown once. Ignored
//! in a plain `cargo test`; `scripts/e2e.sh` runs it.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;
use zenml_pro_e2e::{xpath_literal, App};
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_service_account_is_created_keyed_once_and_rotated_in_the_window() -> Result<()> {
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await?;
    let app = App::launch(&[]).await?;
    let result = walk_through(&app, &emu).await;
    app.close().await?;
    emu.shutdown().await;
    result
}

/// The row of the first table that holds all of `texts`.
fn row_with(texts: &[&str]) -> String {
    let tests: Vec<String> = texts.iter().map(|t| format!("contains(., {})", xpath_literal(t))).collect();
    format!("//table//tr[{}]", tests.join(" and "))
}

/// A button of the open dialog.
fn dialog_button(label: &str) -> String {
    format!("//div[@role='dialog']//button[normalize-space(.)={}]", xpath_literal(label))
}

/// Whether `key` signs in at the server's key exchange now.
async fn signs_in(emu: &RunningEmulator, key: &str) -> Result<bool> {
    let resp = reqwest::Client::new()
        .post(format!("{}/auth/login", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=zenml_api_key&password={key}"))
        .send()
        .await?;
    Ok(resp.status().is_success())
}

/// The key shown in the open dialog.
async fn shown_key(app: &App) -> Result<String> {
    let field = app.find("//textarea[@data-testid='api-key-value']").await?;
    let value = field.prop("value").await?.context("the key field has a value")?;
    ensure!(value.starts_with("ZENPROKEY_"), "the dialog shows a service-account key");
    Ok(value)
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

async fn walk_through(app: &App, emu: &RunningEmulator) -> Result<()> {
    app.click_button("Self-hosted control plane").await?;
    app.fill("API URL", &emu.base_url()).await?;
    app.fill("Or sign in with an API key or token", &emu.credentials().admin.key).await?;
    app.click_button("Sign in").await?;
    app.wait_for_text("Acme ML").await?;
    app.click_button_containing("Acme ML").await?;
    app.wait_until("the overview of acme-ml", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "acme-ml")
    })
    .await?;

    // Members → Service accounts: the demo's CI account, active, with its roles.
    app.click_button("Members").await?;
    app.click_button("Service accounts").await?;
    app.find(&row_with(&["Acme CI pipeline", "Active"])).await?;

    // A new account: the note of what its username may adopt comes before anything is sent.
    app.click_button("New service account").await?;
    app.fill("Username", "deploy-bot").await?;
    app.fill("Description (optional)", "Deploys the models").await?;
    app.click_button("Create service account").await?;
    let note = app.find("//*[@data-testid='sa-adoption-note']").await?.text().await?;
    ensure!(note.contains("deploy-bot") && note.contains("adopts"), "the adoption note: {note}");
    app.find(&dialog_button("Create")).await?.click().await?;
    app.find(&row_with(&["deploy-bot", "Deploys the models", "Active"])).await?;
    app.wait_for_text("Created the service account deploy-bot.").await?;
    app.screenshot("service-accounts").await?;

    // Its first key, shown once.
    app.click_button("Keys of deploy-bot").await?;
    app.find("//h2[normalize-space(.)='API keys of deploy-bot']").await?;
    app.wait_for_text("No API keys yet.").await?;
    app.click_button("New key").await?;
    app.fill("Key name", "ci").await?;
    app.click_button("Create key").await?;
    app.find("//div[@role='dialog'][.//h2[normalize-space(.)='API key created']]").await?;
    let first = shown_key(app).await?;
    app.wait_for_text("will not be shown again").await?;
    app.find(&dialog_button("Copy")).await?.click().await?;
    app.wait_for_text("Copied to the clipboard.").await?;
    app.screenshot("api-key-once").await?;
    ensure!(signs_in(emu, &first).await?, "the key shown signs in");
    app.find(&dialog_button("Done")).await?.click().await?;
    app.find(&row_with(&["ci", "Active", "Never"])).await?;
    let html = app.client.source().await?;
    ensure!(!html.contains(&first), "closed, the key is gone from the window");
    // Copy put it on the desktop's clipboard: pasted into a field, it is the key.
    app.click_button("New key").await?;
    let field = app.find("//input[@id='key-name']").await?;
    field.send_keys(&format!("{}v", char::from(Key::Control))).await?;
    let pasted = field.prop("value").await?.unwrap_or_default();
    ensure!(pasted == first, "the clipboard holds the key shown (pasted {} characters)", pasted.len());
    app.click_button("Cancel").await?;

    // Rotated, keeping the old value for an hour: the new value is shown once, and both sign in.
    app.click_button("Rotate ci").await?;
    let amount = app.find("//div[@role='dialog']//input[@id='retain-amount']").await?;
    amount.send_keys("1").await?;
    app.choose("Unit of the retention", "hours").await?;
    app.find(&dialog_button("Rotate")).await?.click().await?;
    app.find("//div[@role='dialog'][.//h2[normalize-space(.)='API key rotated']]").await?;
    let second = shown_key(app).await?;
    ensure!(second != first, "the rotation shows a new value");
    app.wait_for_text("The old value keeps working for 1 hour.").await?;
    ensure!(signs_in(emu, &second).await?, "the new value signs in");
    ensure!(signs_in(emu, &first).await?, "the old value still signs in for the hour kept");
    app.find(&dialog_button("Done")).await?.click().await?;
    app.wait_for_text_gone("API key rotated").await?;
    let html = app.client.source().await?;
    ensure!(!html.contains(&second), "closed, the new value is gone from the window");

    // The app kept neither value in any file (cache, journal, logs, settings).
    for value in [&first, &second] {
        let files = files_holding(app.home.path(), value);
        ensure!(files.is_empty(), "a key's value was written to {files:?}");
    }
    Ok(())
}
