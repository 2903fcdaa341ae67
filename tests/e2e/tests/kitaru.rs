//! Workspaces of every kind in the real window: on the demo's orbit-labs, the Workspaces screen shows
//! the Kitaru workspaces with their type and their Kitaru server's URL, and "Open in dashboard" on one
//! hands the desktop's opener (a stand-in that writes down what it is asked) that workspace's page on
//! Kitaru's dashboard: `https://cloud.kitaru.ai` by default, `ZENML_PRO_KITARU_URL` when set. A ZenML
//! workspace beside it still opens on ZenML's dashboard. Against both dialects of the demo server.

use anyhow::Result;
use zenml_pro_e2e::{stand_in_opener, xpath_literal, App};

/// How this run's window labels things, and where its Kitaru dashboard is.
struct Run {
    /// The organization's button label (the variant sends no display names).
    orbit: &'static str,
    /// The Kitaru workspace's card title.
    agents: &'static str,
    /// The Kitaru dashboard the opener must be handed.
    kitaru: &'static str,
    /// `ZENML_PRO_KITARU_URL` for the app, if any.
    kitaru_env: Option<&'static str>,
    dialect: Option<&'static str>,
    shot: &'static str,
}

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn a_kitaru_workspace_opens_on_the_kitaru_dashboard() -> Result<()> {
    run(&Run {
        orbit: "Orbit Labs",
        agents: "Orbit Agents",
        kitaru: "https://cloud.kitaru.ai/",
        kitaru_env: None,
        dialect: None,
        shot: "workspace-kinds",
    })
    .await
}

#[tokio::test]
#[ignore = "needs a display: run scripts/e2e.sh"]
async fn variant_dialect_and_a_kitaru_dashboard_of_its_own() -> Result<()> {
    run(&Run {
        orbit: "orbit-labs",
        agents: "orbit-agents",
        kitaru: "https://kitaru.e2e.example/",
        kitaru_env: Some("https://kitaru.e2e.example/"),
        dialect: Some("variant"),
        shot: "variant-workspace-kinds",
    })
    .await
}

async fn run(r: &Run) -> Result<()> {
    let opener = tempfile::tempdir()?;
    let (path, opened) = stand_in_opener(opener.path())?;
    let mut env = vec![("PATH", path.as_str())];
    if let Some(url) = r.kitaru_env {
        env.push(("ZENML_PRO_KITARU_URL", url));
    }
    if let Some(d) = r.dialect {
        env.push(("ZENML_PRO_DESKTOP_DEMO_DIALECT", d));
    }
    let app = App::launch(&env).await?;
    let result = session(&app, r, &opened).await;
    app.close().await?;
    result
}

/// The card of the workspace titled `title`.
fn card(title: &str) -> String {
    format!("//li[contains(@class, 'card')][.//h2[normalize-space(.)={}]]", xpath_literal(title))
}

async fn session(app: &App, r: &Run, opened: &std::path::Path) -> Result<()> {
    app.click_button("Try the demo").await?;
    app.wait_for_text(r.orbit).await?;
    app.click_button_containing(r.orbit).await?;
    app.wait_until("the overview of orbit-labs", || async {
        Ok(app.client.find(fantoccini::Locator::Css("[data-testid=ov-name]")).await?.text().await?
            == "orbit-labs")
    })
    .await?;

    app.click_button("Workspaces").await?;
    let agents = app.find(&card(r.agents)).await?;
    let text = agents.text().await?;
    assert!(text.contains("Kitaru"), "the type is shown: {text}");
    assert!(text.contains("-kitaru.workspaces.emulator.invalid"), "the Kitaru server's URL: {text}");
    let kinds = app.body_text().await?;
    assert!(kinds.contains("ZenML"), "ZenML workspaces beside it: {kinds}");
    app.screenshot(r.shot).await?;

    // Open in dashboard: the opener is handed the Kitaru workspace's page on Kitaru's dashboard.
    app.click_button("Open in dashboard (orbit-agents)").await?;
    let page = format!("{}organizations/", r.kitaru);
    app.wait_until("the Kitaru dashboard to be opened", || async {
        let asked = std::fs::read_to_string(opened).unwrap_or_default();
        Ok(asked.lines().any(|l| l.starts_with(&page) && l.trim_end().ends_with("/workspaces/orbit-agents")))
    })
    .await?;
    // A ZenML workspace of the same organization opens on ZenML's dashboard.
    app.click_button("Open in dashboard (orbit-main)").await?;
    app.wait_until("the ZenML dashboard to be opened", || async {
        let asked = std::fs::read_to_string(opened).unwrap_or_default();
        Ok(asked.lines().any(|l| {
            l.starts_with("https://cloud.zenml.io/organizations/")
                && l.trim_end().ends_with("/workspaces/orbit-main")
        }))
    })
    .await?;
    let asked = std::fs::read_to_string(opened)?;
    assert_eq!(asked.lines().count(), 2, "one page each: {asked}");
    Ok(())
}
