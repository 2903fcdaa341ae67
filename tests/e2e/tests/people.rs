//! Across organizations in the real window: a person who is in three organizations is found on
//! People and opened; offboarded from two of them (the third left out of the plan); one removal is
//! undone from Activity and checked on the server; the members of one organization are exported to
//! CSV, the file read back and its folder opened. Ignored in a plain `cargo test`; `scripts/e2e.sh` runs it.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use zenml_pro_core::api::{ApiKey, RetryPolicy};
use zenml_pro_core::{AccountRecord, ClientSettings, Core, CoreOptions, MemoryKeyring, SyncOptions};
use zenml_pro_e2e::{stand_in_opener, xpath_literal, App};
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

const TRAVELER: &str = "traveler@example.com";
const ORGS: [&str; 3] = ["acme-ml", "orbit-labs", "scale-org-0001"];

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_person_in_three_organizations_offboarded_from_two_undone_once_and_exported() -> Result<()> {
    let emu = start(EmulatorConfig { port: 0, scale: Some(1), ..Default::default() }).await?;
    member_of_three(&emu).await?;
    let opener = tempfile::tempdir()?;
    let (path, opened) = stand_in_opener(opener.path())?;
    let app = App::launch(&[("PATH", &path)]).await?;
    let result = walk_through(&app, &emu, &opened).await;
    app.close().await?;
    emu.shutdown().await;
    result
}

/// A core of its own (in a temporary folder, the directory returned to keep it) signed in as the demo
/// user and synced.
async fn demo_user(emu: &RunningEmulator) -> Result<(tempfile::TempDir, Core, AccountRecord)> {
    let dir = tempfile::tempdir()?;
    let (core, _) = Core::open(CoreOptions {
        data_dir: dir.path().to_owned(),
        secrets: Arc::new(MemoryKeyring::new()),
        client: ClientSettings { retry: RetryPolicy::none(), ..Default::default() },
    })?;
    let key = ApiKey::new(emu.credentials().multi_org.key.clone());
    let account = core.login_with_key(&emu.base_url(), key).await?;
    core.sync(&account.id, &SyncOptions::default(), &|_| {}, &Default::default()).await?;
    Ok((dir, core, account))
}

/// Makes the traveler a member of the three organizations, as the demo user (an admin of acme-ml and
/// scale-org-0001, a manager of orbit-labs) inviting them and the emulator accepting for them.
async fn member_of_three(emu: &RunningEmulator) -> Result<()> {
    let (_dir, core, account) = demo_user(emu).await?;
    for org in ORGS {
        let org_id = core.resolve_org(&account.id, Some(org))?;
        core.invite(&account.id, org_id, &[TRAVELER.to_owned()], "Organization Member").await?;
        let accepted =
            control(emu, "invitations/accept", json!({ "email": TRAVELER, "organization_id": org_id }))
                .await?;
        ensure!(accepted.is_object(), "{org}: the invitation was not accepted: {accepted}");
    }
    Ok(())
}

async fn control(emu: &RunningEmulator, path: &str, body: Value) -> Result<Value> {
    let response = reqwest::Client::new()
        .post(emu.control_url(path))
        .header(zenml_pro_emulator::CONTROL_HEADER, emu.control_token())
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    ensure!(status.is_success(), "{path}: {status} {body}");
    Ok(body)
}

/// The organizations the server lists the traveler in, as a member, with their roles.
async fn traveler_on_server(emu: &RunningEmulator) -> Result<Vec<String>> {
    let (_dir, core, _) = demo_user(emu).await?;
    let person = core.person(TRAVELER)?;
    Ok(person
        .organizations
        .iter()
        .filter(|o| o.member_id.is_some() || o.invitations.iter().any(|i| i.status == "pending"))
        .map(|o| o.org_name.clone())
        .collect())
}

/// Presses an entry of the navigation, whose text also names its shortcut.
async fn nav(app: &App, label: &str) -> Result<()> {
    let xpath =
        format!("//button[starts-with(normalize-space(.), {})][contains(., 'Ctrl+')]", xpath_literal(label));
    app.find(&xpath).await?.click().await?;
    Ok(())
}

async fn walk_through(app: &App, emu: &RunningEmulator, opened: &std::path::Path) -> Result<()> {
    app.click_button("Self-hosted control plane").await?;
    app.fill("API URL", &emu.base_url()).await?;
    app.fill("Or sign in with an API key or token", &emu.credentials().multi_org.key).await?;
    app.click_button("Sign in").await?;
    app.wait_for_text("Orbit Labs").await?;

    // People: search, open the person; they are in the three organizations.
    nav(app, "People").await?;
    app.fill("Search people by name or email", "travel").await?;
    app.wait_for_text(TRAVELER).await?;
    app.screenshot("people").await?;
    app.find(&format!("//li[@role='option'][contains(., {})]", xpath_literal(TRAVELER)))
        .await?
        .click()
        .await?;
    app.find("//h1[contains(., 'traveler')]").await?;
    for org in ORGS {
        app.wait_for_text(org).await?;
    }
    app.screenshot("person").await?;

    // Offboard from two: the plan lists three, the third is left out.
    app.click_button("Offboard…").await?;
    app.find("//div[@role='dialog']").await?;
    app.find(&format!("//div[@role='dialog']//label[contains(., {})]/input", xpath_literal(ORGS[2])))
        .await?
        .click()
        .await?;
    app.click_button_containing("Remove from 2").await?;
    app.wait_for_text("Done 2 of 2 steps").await?;
    app.screenshot("offboarded").await?;
    let left = traveler_on_server(emu).await?;
    ensure!(left == [ORGS[2]], "after offboarding from two, the server lists them in {left:?}");
    app.click_button("Close").await?;

    // Activity: undo the removal from acme-ml; the server has them back there.
    nav(app, "Activity").await?;
    let row = format!(
        "//table//tr[contains(., {}) and contains(., 'acme-ml') and .//button[normalize-space(.)='Undo']]",
        xpath_literal(TRAVELER)
    );
    app.find(&row).await?;
    app.screenshot("activity").await?;
    app.find(&format!("{row}//button[starts-with(normalize-space(.), 'Undo')]")).await?.click().await?;
    app.find("//div[@role='dialog']//button[starts-with(normalize-space(.), 'Undo')]").await?.click().await?;
    app.wait_for_text("Undone:").await?;
    app.wait_until("the server to have them back in acme-ml", || async {
        Ok(traveler_on_server(emu).await?.iter().any(|o| o == "acme-ml"))
    })
    .await?;

    // The access review across the organizations.
    nav(app, "Access review").await?;
    app.wait_for_text("as of").await?;
    app.screenshot("access-review").await?;

    // Export acme-ml's members to CSV and read the file back.
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("acme-ml-members.csv");
    app.click_button_containing("Acme ML").await?;
    app.click_button("Members").await?;
    app.wait_for_text("viewer@acme-ml.example").await?;
    app.click_button("Export…").await?;
    app.fill("File", file.to_str().context("a UTF-8 path")?).await?;
    app.click_button("Save").await?;
    app.wait_for_text("Saved").await?;
    let csv = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let header = csv.lines().next().unwrap_or_default();
    ensure!(header.contains("email") && header.contains("fetched_at"), "the CSV's header: {header}");
    ensure!(csv.contains("viewer@acme-ml.example"), "the CSV holds the members: {csv}");
    ensure!(csv.contains("\r\n"), "RFC 4180 line ends");
    app.screenshot("export").await?;
    // Show in folder hands the file's folder to the desktop's opener.
    app.click_button("Show in folder").await?;
    let folder = dir.path().display().to_string();
    app.wait_until("the export's folder to be opened", || async {
        let asked = std::fs::read_to_string(opened).unwrap_or_default();
        Ok(asked.lines().any(|l| l == folder))
    })
    .await?;
    Ok(())
}
