//! Workspace lifecycle (pending, then the desired state or `failed`), renames, scoped role
//! assignments with their rules and 409s, and the assignment read routes, in both dialects.

mod common;

use std::time::Duration;

use common::{items, Env};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn env(dialect: Dialect) -> Env {
    Env::start(EmulatorConfig {
        dialect,
        workspace_transition: Duration::from_millis(200),
        device_poll_interval: 0,
        ..Default::default()
    })
    .await
}

async fn ws(env: &Env, token: &str, name: &str) -> Value {
    env.ok(token, &format!("/workspaces/{name}")).await
}

#[tokio::test]
async fn deactivate_goes_pending_then_lands_or_fails_with_a_reason() {
    let env = env(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key.clone()).await;
    let prod = ws(&env, &admin, "acme-prod").await;
    let path = format!("/workspaces/{}", prod["id"].as_str().unwrap());

    let (status, body) =
        env.call(Method::PATCH, Some(&admin), &path, Some(json!({"desired_state": "deactivated"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["desired_state"], "deactivated");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ws(&env, &admin, "acme-prod").await["status"], "deactivated");

    // A failure set for the next transition: it ends in `failed` with the reason given.
    let (status, _) = env
        .control("workspaces/fail", json!({"id": prod["id"], "reason": "No capacity in the region"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) =
        env.call(Method::PATCH, Some(&admin), &path, Some(json!({"desired_state": "available"}))).await;
    assert_eq!(body["status"], "pending", "{status} {body}");
    let (status, _) = env.control("workspaces/settle", json!({"id": prod["id"]})).await;
    assert_eq!(status, StatusCode::OK);
    let failed = ws(&env, &admin, "acme-prod").await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["state_reason"], "No capacity in the region");
    // The failure was used up: the next try lands.
    env.call(Method::PATCH, Some(&admin), &path, Some(json!({"desired_state": "available"}))).await;
    env.control("workspaces/settle", json!({})).await;
    assert_eq!(ws(&env, &admin, "acme-prod").await["status"], "available");

    let (status, _) =
        env.control("workspaces/fail", json!({"id": "00000000-0000-4000-8000-000000000000"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_admins_and_managers_change_a_workspace_and_names_are_checked() {
    let env = env(Dialect::Default).await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let manager = env.token(&creds.manager.key).await;
    let viewer = env.token(&creds.viewer.key).await;
    let prod = ws(&env, &admin, "acme-prod").await;
    let path = format!("/workspaces/{}", prod["id"].as_str().unwrap());
    let (status, _) =
        env.call(Method::PATCH, Some(&viewer), &path, Some(json!({"desired_state": "deactivated"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = env.call(Method::PATCH, Some(&viewer), &path, Some(json!({"name": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) =
        env.call(Method::PATCH, Some(&manager), &path, Some(json!({"name": "acme-production"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "acme-production");
    assert_eq!(body["status"], "available", "a rename is no state change");
    let (status, _) =
        env.call(Method::PATCH, Some(&admin), &path, Some(json!({"name": "acme-research"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = env.call(Method::PATCH, Some(&admin), &path, Some(json!({"name": "Not OK!"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn scoped_rules(dialect: Dialect) {
    let env = env(dialect).await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let viewer = env.token(&creds.viewer.key).await;
    let member = env.token(&creds.member.key).await;
    let org = env.org_id(&admin, "acme-ml").await;
    let ws_dev = env.role_id(&admin, &org, "Workspace Developer").await;
    let org_viewer = env.role_id(&admin, &org, "Organization Viewer").await;
    let prod = ws(&env, &admin, "acme-prod").await["id"].as_str().unwrap().to_string();
    let users = env.ok(&admin, "/users?email=viewer@acme-ml.example").await;
    let user = users[0]["id"].as_str().unwrap().to_string();
    let assign = format!("/roles/{ws_dev}/assignments?user_id={user}&workspace_id={prod}");

    let (status, _) = env.call(Method::POST, Some(&viewer), &assign, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer cannot grant");
    let (status, body) = env.call(Method::POST, Some(&admin), &assign, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = env.call(Method::POST, Some(&admin), &assign, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "a duplicate is 409");
    let (status, _) = env
        .call(Method::POST, Some(&admin), &format!("/roles/{ws_dev}/assignments?user_id={user}"), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a workspace role needs its workspace");
    let (status, _) = env
        .call(
            Method::POST,
            Some(&admin),
            &format!("/roles/{org_viewer}/assignments?user_id={user}&workspace_id={prod}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an organization role takes no workspace");

    // The workspace's access lists the new holder; a viewer may read it, an Organization Member not.
    let access = env.ok(&viewer, &format!("/workspaces/{prod}/assignments")).await;
    let held: Vec<(String, String)> = items(&access)
        .iter()
        .map(|a| {
            let who = a["user"]["email"].as_str().or(a["team"]["name"].as_str()).unwrap_or("?").to_string();
            (who, a["role_id"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(held.contains(&("viewer@acme-ml.example".into(), ws_dev.clone())), "{access}");
    assert!(held.iter().any(|(w, _)| w == "platform"), "the team's Workspace Admin: {access}");
    for a in items(&access) {
        assert_eq!(a["workspace_id"], json!(prod));
        assert_eq!(a.get("role").is_some(), dialect == Dialect::Default, "{a}");
    }
    let (status, _) = env.get(&member, &format!("/workspaces/{prod}/assignments")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Who holds the role, and where.
    let holders = env.ok(&admin, &format!("/roles/{ws_dev}/assignments")).await;
    let research = ws(&env, &admin, "acme-research").await["id"].clone();
    assert!(items(&holders).iter().any(|a| a["workspace_id"] == research), "{holders}");
    let only_prod = env.ok(&admin, &format!("/roles/{ws_dev}/assignments?workspace_id={prod}")).await;
    assert_eq!(items(&only_prod).len(), 1, "{only_prod}");
    let org_holders = env.ok(&admin, &format!("/roles/{org_viewer}/assignments")).await;
    assert!(items(&org_holders).iter().all(|a| a["workspace_id"].is_null()), "{org_holders}");

    let (status, _) = env.call(Method::DELETE, Some(&admin), &assign, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env.call(Method::DELETE, Some(&admin), &assign, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoking what is not held");
}

#[tokio::test]
async fn scoped_roles_follow_the_rules_default_dialect() {
    scoped_rules(Dialect::Default).await;
}

#[tokio::test]
async fn scoped_roles_follow_the_rules_variant_dialect() {
    scoped_rules(Dialect::Variant).await;
}
