//! Workspaces of every kind in the window's views, against every emulator dialect: a Kitaru
//! workspace is listed with its type and its Kitaru server's URL, "Open in dashboard" opens its page
//! on Kitaru's dashboard (the configured one), Home counts the workspaces by kind, the tray names them,
//! and a type this build does not know is shown as its text, never an error.

mod common;

use common::env;
use zenml_pro_app::tray_menu;
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kitaru_workspaces_in_the_list_the_dashboard_home_and_the_tray() {
    for dialect in Dialect::ALL {
        let e = env();
        let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
        e.app.login_with_key(emu.base_url(), emu.credentials().multi_org.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        let orbit = e.app.switch_organization("orbit-labs".into()).await.unwrap();

        let list = e.app.list_workspaces(None).await.unwrap();
        let find = |name: &str| list.items.iter().find(|w| w.name == name).unwrap().clone();
        let (agents, copilot, main) = (find("orbit-agents"), find("orbit-copilot"), find("orbit-main"));
        for k in [&agents, &copilot] {
            assert_eq!((k.workspace_type.as_str(), k.type_label.as_str()), ("kitaru", "Kitaru"), "{dialect}");
            assert!(
                k.server_url.as_deref().unwrap().ends_with("-kitaru.workspaces.emulator.invalid"),
                "{k:?}"
            );
            assert_eq!(
                k.dashboard_url,
                format!(
                    "https://kitaru-dashboard.example.test/organizations/{}/workspaces/{}",
                    orbit.id, k.name
                ),
                "{dialect}"
            );
        }
        assert_eq!(agents.version, None, "{dialect}: no ZenML server, no version");
        assert_eq!((main.workspace_type.as_str(), main.type_label.as_str()), ("zenml", "ZenML"), "{dialect}");
        assert!(main.dashboard_url.starts_with("https://dashboard.example.test/organizations/"), "{dialect}");

        // "Open in dashboard", by name and by id: the opener is asked for the Kitaru page.
        let opened = e.app.open_in_dashboard(None, Some("orbit-agents".into())).await.unwrap();
        assert_eq!(opened, agents.dashboard_url, "{dialect}");
        e.app.open_in_dashboard(None, Some(copilot.id.clone())).await.unwrap();
        e.app.open_in_dashboard(None, Some("orbit-main".into())).await.unwrap();
        assert_eq!(
            e.rec.urls(),
            [agents.dashboard_url.clone(), copilot.dashboard_url.clone(), main.dashboard_url.clone()],
            "{dialect}"
        );
        // A workspace's own page (access and settings) carries the same link.
        let access = e.app.workspace_access(None, "orbit-agents".into()).await.unwrap();
        assert_eq!(access.workspace.dashboard_url, agents.dashboard_url, "{dialect}");

        // Home: the organization's workspaces by kind.
        let home = e.app.home().await.unwrap();
        let card = home.cards.iter().find(|c| c.org.id == orbit.id).unwrap();
        let kinds: Vec<(String, String, u32)> = card
            .workspace_kinds
            .as_ref()
            .unwrap()
            .iter()
            .map(|k| (k.workspace_type.clone(), k.label.clone(), k.count))
            .collect();
        assert_eq!(
            kinds,
            [("zenml".into(), "ZenML".into(), 3), ("kitaru".into(), "Kitaru".into(), 2)],
            "{dialect}"
        );

        // The tray names the active organization's workspaces by kind.
        let menu = tray_menu(&e.app.tray_state().unwrap(), chrono::Utc::now()).render();
        assert!(menu.contains("\nWorkspaces: 3 ZenML, 2 Kitaru\n"), "{dialect}: {menu}");

        // A type this build does not know: its text, in the list, on Home and in the tray.
        let body = serde_json::json!({"id": main.id, "workspace_type": "agent\u{7}-lab"});
        let resp = Control::new(&emu).send(reqwest::Method::POST, "workspaces/type", Some(&body)).await;
        assert!(resp.status().is_success());
        e.app.sync_now().await.unwrap();
        let list = e.app.list_workspaces(None).await.unwrap();
        let odd = list.items.iter().find(|w| w.name == "orbit-main").unwrap();
        assert_eq!(
            (odd.workspace_type.as_str(), odd.type_label.as_str()),
            ("agent\u{7}-lab", "agent\u{7}-lab")
        );
        assert!(odd.dashboard_url.starts_with("https://dashboard.example.test/"), "{dialect}");
        let menu = tray_menu(&e.app.tray_state().unwrap(), chrono::Utc::now()).render();
        // In the tray, without its control character.
        assert!(menu.contains("\nWorkspaces: 2 ZenML, 2 Kitaru, 1 agent-lab\n"), "{dialect}: {menu}");
        emu.shutdown().await;
        e.app.shutdown().await;
    }
}
