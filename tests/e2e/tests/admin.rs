//! The organization admin walk-through in the real window on the demo: create a team, add a member,
//! give the team a workspace role, deactivate a workspace and see it reach `deactivated`, invite with
//! two roles and see both pending. Ignored in a plain `cargo test`; `scripts/e2e.sh` runs it.

use anyhow::Result;
use zenml_pro_e2e::{xpath_literal, App};

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn teams_workspace_roles_lifecycle_and_multi_role_invitations() -> Result<()> {
    let app = App::launch(&[]).await?;
    let result = walk_through(&app).await;
    app.close().await?;
    result
}

/// The row of the first table that holds all of `texts`.
fn row_with(texts: &[&str]) -> String {
    let tests: Vec<String> = texts.iter().map(|t| format!("contains(., {})", xpath_literal(t))).collect();
    format!("//table//tr[{}]", tests.join(" and "))
}

async fn walk_through(app: &App) -> Result<()> {
    app.click_button("Try the demo").await?;
    app.wait_for_text("Orbit Labs").await?;
    app.click_button_containing("Acme ML").await?;
    app.wait_until("the overview of acme-ml", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "acme-ml")
    })
    .await?;

    // Create a team; its page opens.
    app.click_button("Teams").await?;
    app.click_button("New team").await?;
    app.fill("Name", "e2e-team").await?;
    app.fill("Description (optional)", "Made by the end-to-end test").await?;
    app.click_button("Create team").await?;
    app.find("//h1[normalize-space(.)='e2e-team']").await?;
    app.wait_for_text("No members yet.").await?;

    // Add a member; the team's page lists them.
    app.fill("Emails to add", "data-scientist@acme-ml.example").await?;
    app.click_button("Add").await?;
    app.find(&row_with(&["data-scientist@acme-ml.example", "Member"])).await?;
    app.wait_for_text("Added 1 member.").await?;
    app.screenshot("team").await?;

    // Give the team a workspace role on acme-research; the workspace's page lists it.
    app.click_button("Workspaces").await?;
    app.click_button("Access and settings (acme-research)").await?;
    app.find("//h1[normalize-space(.)='Acme Research']").await?;
    app.find(&row_with(&["data-science", "Workspace Developer"])).await?;
    app.fill("Who", "e2e-team").await?;
    app.choose("Role", "Workspace Viewer").await?;
    app.click_button("Give role").await?;
    app.find(&row_with(&["e2e-team", "Team", "Workspace Viewer"])).await?;
    app.wait_for_text("e2e-team now holds Workspace Viewer on Acme Research.").await?;
    app.screenshot("workspace-access").await?;

    // Deactivate acme-prod (after the confirmation) and see it reach `deactivated`.
    app.click_button("← All workspaces").await?;
    app.click_button("Deactivate acme-prod").await?;
    app.find("//div[@role='dialog']//button[normalize-space(.)='Deactivate']").await?.click().await?;
    app.wait_until("acme-prod to reach deactivated", || async {
        let card = app.find("//li[.//h2[normalize-space(.)='Acme Production']]").await?;
        Ok(card.find(fantoccini::Locator::Css("[data-status=deactivated]")).await.is_ok())
    })
    .await?;
    app.wait_for_text("The workspace Acme Production is deactivated.").await?;
    app.find("//button[@aria-label='Activate acme-prod']").await?;
    app.screenshot("workspace-deactivated").await?;

    // Invite with two roles (an organization role and a workspace role) and a team; the pending list
    // shows them all.
    app.click_button("Invitations").await?;
    app.fill("Email addresses", "two.roles@example.com").await?;
    app.choose("Role", "Organization Member").await?;
    app.click_button("Add a workspace role").await?;
    app.choose("Workspace of workspace role 1", "Acme Research").await?;
    app.choose("Role of workspace role 1", "Workspace Developer").await?;
    app.find("//label[normalize-space(.)='e2e-team']/input").await?.click().await?;
    app.click_button("Invite").await?;
    app.wait_for_text("two.roles@example.com: invited").await?;
    app.find(&row_with(&[
        "two.roles@example.com",
        "Pending",
        "Organization Member",
        "Workspace Developer on acme-research",
        "Teams: e2e-team",
    ]))
    .await?;
    app.screenshot("invitation-roles").await?;
    Ok(())
}
