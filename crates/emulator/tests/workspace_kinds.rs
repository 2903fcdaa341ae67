//! Kitaru workspaces in the demo data, in both dialects: orbit-labs has one with no ZenML server and
//! one with both, beside its ZenML workspaces; the default dialect types every workspace, the
//! variant leaves ZenML's untyped and sends a missing `zenml_service` as `null`; a Kitaru
//! workspace is found by its Kitaru server's URL; and a test can give a workspace any type.

mod common;

use common::{names, Env};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

fn kitaru_url(w: &Value) -> &str {
    w["kitaru_service"]["status"]["server_url"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn kitaru_workspaces_of_both_shapes_in_both_dialects() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let multi = env.token(&env.emu.credentials().multi_org.key).await;
        let orbit = env.org_id(&multi, "orbit-labs").await;
        let ws = env.ok(&multi, &format!("/workspaces?organization_id={orbit}&limit=100")).await;
        assert_eq!(
            names(&ws),
            ["orbit-agents", "orbit-archive", "orbit-copilot", "orbit-gpu", "orbit-main"],
            "{dialect}"
        );
        let agents = env.ok(&multi, "/workspaces/orbit-agents").await;
        assert_eq!(agents["workspace_type"], "kitaru", "{dialect}");
        assert!(kitaru_url(&agents).ends_with("-kitaru.workspaces.emulator.invalid"), "{agents}");
        assert!(agents["kitaru_service"]["configuration"]["admin"].is_object(), "{dialect}: {agents}");
        match dialect {
            Dialect::Default => assert!(agents.get("zenml_service").is_none(), "no ZenML server: {agents}"),
            Dialect::Variant => assert_eq!(agents["zenml_service"], Value::Null, "{agents}"),
        }
        let copilot = env.ok(&multi, "/workspaces/orbit-copilot").await;
        assert_eq!(copilot["workspace_type"], "kitaru");
        let zenml_url = copilot["zenml_service"]["status"]["server_url"].as_str().unwrap();
        assert!(zenml_url.ends_with("-zenml.workspaces.emulator.invalid"), "both servers: {copilot}");
        assert!(kitaru_url(&copilot).ends_with("-kitaru.workspaces.emulator.invalid"), "{copilot}");

        let main = env.ok(&multi, "/workspaces/orbit-main").await;
        match dialect {
            Dialect::Default => assert_eq!(main["workspace_type"], "zenml"),
            Dialect::Variant => assert!(main.get("workspace_type").is_none(), "absence is ZenML's: {main}"),
        }
        assert!(main.get("kitaru_service").is_none(), "{dialect}: {main}");

        // Found by the Kitaru server's URL.
        let by_url = env.ok(&multi, &format!("/workspaces?url={}", kitaru_url(&agents))).await;
        assert_eq!(names(&by_url), ["orbit-agents"], "{dialect}");

        // Any type, set by a test; an unknown workspace is the control route's 404.
        let id = main["id"].as_str().unwrap();
        let (status, _) =
            env.control("workspaces/type", json!({"id": id, "workspace_type": "agent-lab"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(env.ok(&multi, "/workspaces/orbit-main").await["workspace_type"], "agent-lab");
        let nil = "00000000-0000-0000-0000-000000000000";
        let (status, _) = env.control("workspaces/type", json!({"id": nil, "workspace_type": "x"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{dialect}");
        let (status, _) = env.control("workspaces/type", json!({"id": id})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{dialect}: the type is required");
        env.emu.shutdown().await;
    }
}
