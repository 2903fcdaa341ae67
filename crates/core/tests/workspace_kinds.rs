//! Workspaces of every kind, against every emulator dialect: Kitaru workspaces (one with no ZenML
//! server, one with both) are listed beside ZenML's with their kind and the URL of whichever server
//! they have, their dashboard page is on Kitaru's dashboard, the home page counts them by kind, and a
//! type this build does not know is kept as text (listed, counted, linked to ZenML's dashboard), never
//! an error. What is cached keeps the kind across a restart, with the server gone.

mod common;

use common::*;
use uuid::Uuid;
use zenml_pro_core::api::{ApiKey, Workspace, WorkspaceKind};
use zenml_pro_core::{CancellationToken, Dashboards, SyncOptions};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn login_and_sync(e: &Env, key: &str) -> String {
    let a = e.core.login_with_key(&e.emu.base_url(), ApiKey::new(key)).await.expect("key sign-in");
    sync(e, &a.id).await;
    a.id
}

async fn sync(e: &Env, account: &str) {
    let report = e
        .core
        .sync(account, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

fn named<'a>(list: &'a [Workspace], name: &str) -> &'a Workspace {
    list.iter().find(|w| w.name == name).unwrap_or_else(|| panic!("no {name} in {list:?}"))
}

fn kinds_of(e: &Env, account: &str, org: &str) -> Option<Vec<(String, usize)>> {
    let home = e.core.home().unwrap();
    let card = home.organizations.iter().find(|o| o.account_id == account && o.organization.name == org);
    card.expect("a card").workspace_kinds.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kitaru_workspaces_are_listed_with_their_kind_url_and_dashboard() {
    let dashboards = Dashboards::new("https://zenml.dashboard.test/", "https://kitaru.dashboard.test");
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let account = login_and_sync(&e, &e.emu.credentials().multi_org.key.clone()).await;
        let orbit = e.core.resolve_org(&account, Some("orbit-labs")).unwrap();
        let list = e.core.workspaces(&account, orbit).unwrap();
        assert_eq!(list.skipped, 0, "{dialect}: every workspace is read");
        let ws = list.value;
        assert_eq!(ws.len(), 5, "{dialect}: three ZenML workspaces and two Kitaru ones: {ws:?}");

        // No ZenML server: the Kitaru server's URL, no version.
        let agents = named(&ws, "orbit-agents");
        assert_eq!(agents.kind(), WorkspaceKind::Kitaru, "{dialect}");
        assert!(agents.zenml_service.is_none(), "{dialect}: {agents:?}");
        let url = agents.server_url().expect("a Kitaru server URL");
        assert!(url.starts_with("https://") && url.ends_with("-kitaru.workspaces.emulator.invalid"), "{url}");
        assert_eq!(agents.version(), None, "{dialect}");
        // Both servers: the Kitaru one is its URL, the ZenML one its version.
        let copilot = named(&ws, "orbit-copilot");
        assert_eq!(copilot.kind(), WorkspaceKind::Kitaru, "{dialect}");
        assert!(copilot.server_url().unwrap().ends_with("-kitaru.workspaces.emulator.invalid"), "{dialect}");
        assert!(copilot.zenml_service.is_some() && copilot.version().is_some(), "{dialect}: {copilot:?}");
        // A ZenML workspace (the variant sends no type: still ZenML's).
        let main = named(&ws, "orbit-main");
        assert_eq!(main.kind(), WorkspaceKind::Zenml, "{dialect}");
        assert_eq!(main.workspace_type.is_none(), dialect == Dialect::Variant, "{dialect}: {main:?}");
        assert!(main.server_url().unwrap().ends_with("-zenml.workspaces.emulator.invalid"), "{dialect}");

        // Each kind's dashboard.
        assert_eq!(
            dashboards.workspace_page(orbit, agents),
            format!("https://kitaru.dashboard.test/organizations/{orbit}/workspaces/orbit-agents"),
            "{dialect}"
        );
        assert!(dashboards.workspace_page(orbit, copilot).starts_with("https://kitaru.dashboard.test/"));
        assert_eq!(
            dashboards.workspace_page(orbit, main),
            format!("https://zenml.dashboard.test/organizations/{orbit}/workspaces/orbit-main"),
            "{dialect}"
        );
        assert!(Dashboards::default().workspace_page(orbit, agents).starts_with("https://cloud.kitaru.ai/"));

        // Home counts them by kind; an organization with ZenML's only says so.
        assert_eq!(
            kinds_of(&e, &account, "orbit-labs"),
            Some(vec![("zenml".into(), 3), ("kitaru".into(), 2)])
        );
        assert_eq!(kinds_of(&e, &account, "acme-ml"), Some(vec![("zenml".into(), 4)]), "{dialect}");

        // A type this build does not know: text, listed, counted, on ZenML's dashboard.
        control(&e.emu, "workspaces/type", serde_json::json!({"id": main.id, "workspace_type": "Agent Lab"}))
            .await;
        sync(&e, &account).await;
        let ws = e.core.workspaces(&account, orbit).unwrap().value;
        let odd = named(&ws, "orbit-main");
        assert_eq!(odd.kind(), WorkspaceKind::Other("Agent Lab".into()), "{dialect}");
        assert_eq!(odd.kind().label(), "Agent Lab");
        assert!(odd.server_url().is_some(), "{dialect}");
        assert!(dashboards.workspace_page(orbit, odd).starts_with("https://zenml.dashboard.test/"));
        assert_eq!(
            kinds_of(&e, &account, "orbit-labs"),
            Some(vec![("zenml".into(), 2), ("kitaru".into(), 1 + 1), ("Agent Lab".into(), 1)]),
            "{dialect}"
        );

        // The cache keeps the kinds: the server gone, a new process reads them.
        let Env { emu, dir, keyring, core } = e;
        emu.shutdown().await;
        drop(core);
        let core = open_core(dir.path(), keyring);
        let ws = core.workspaces(&account, orbit).unwrap().value;
        assert_eq!(named(&ws, "orbit-agents").kind(), WorkspaceKind::Kitaru, "{dialect}");
        assert_eq!(named(&ws, "orbit-main").kind(), WorkspaceKind::Other("Agent Lab".into()), "{dialect}");
        let id: Uuid = named(&ws, "orbit-agents").id;
        assert_eq!(
            core.find_workspace(&account, orbit, &id.to_string()).unwrap().kind(),
            WorkspaceKind::Kitaru
        );
    }
}
