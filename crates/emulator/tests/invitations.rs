//! Invitations carrying several roles and teams: attached after the invitation exists, served in each
//! dialect's shape, refused to low roles, taken back on revoke and handed to the user on acceptance.

mod common;

use common::{items, Env};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

/// Creates an invitation with Organization Member, then gives it Workspace Developer on acme-prod
/// and the data-science team. Returns (invitation id, role id, workspace id, team id).
async fn invite_with_extras(
    env: &Env,
    admin: &str,
    acme: &str,
    email: &str,
) -> (String, String, String, String) {
    let member = env.role_id(admin, acme, "Organization Member").await;
    let developer = env.role_id(admin, acme, "Workspace Developer").await;
    let prod = env.ok(admin, "/workspaces/acme-prod").await["id"].as_str().unwrap().to_owned();
    let teams = env.ok(admin, &format!("/organizations/{acme}/teams")).await;
    let team = items(&teams).iter().find(|t| t["name"] == "data-science").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/organizations/{acme}/invitations");
    let (status, inv) =
        env.call(Method::POST, Some(admin), &path, Some(json!({"email": email, "role_id": member}))).await;
    assert_eq!(status, StatusCode::OK, "{inv}");
    let id = inv["id"].as_str().unwrap().to_owned();
    let assign = format!("/roles/{developer}/assignments?invitation_id={id}&workspace_id={prod}");
    let (status, body) = env.call(Method::POST, Some(admin), &assign, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = env.call(Method::POST, Some(admin), &assign, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "a second assignment is a 409");
    let join = format!("/teams/{team}/members?invitation_id={id}");
    let (status, body) = env.call(Method::POST, Some(admin), &join, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (id, developer, prod, team)
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    items(list).iter().find(|i| i["id"] == id).expect("listed")
}

#[tokio::test]
async fn the_default_shape_lists_every_role_with_its_workspace_and_every_team() {
    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key.clone()).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let (id, developer, prod, team) =
        invite_with_extras(&env, &admin, &acme, "two.roles@acme-ml.example").await;
    let list =
        env.ok(&admin, &format!("/organizations/{acme}/invitations?only_pending=true&limit=100")).await;
    let inv = find(&list, &id);
    assert_eq!(inv["role"]["name"], "Organization Member");
    assert_eq!(inv["roles"][0]["name"], "Organization Member");
    assert_eq!(inv["roles"][0]["level"], "organization");
    assert!(inv["roles"][0]["workspace_id"].is_null());
    assert_eq!(
        inv["roles"][1],
        json!({"id": developer, "name": "Workspace Developer", "level": "workspace", "workspace_id": prod})
    );
    assert_eq!(inv["teams"], json!([{"id": team, "name": "data-science"}]));

    // The demo's pending invitation with a workspace role and a team.
    let hire = items(&list).iter().find(|i| i["email"] == "new-hire@acme-ml.example").unwrap();
    let names: Vec<&str> = items(&hire["roles"]).iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Organization Member", "Workspace Viewer"]);
    assert_eq!(hire["teams"][0]["name"], "platform");

    // Revoking takes them back: the team no longer lists it.
    let (status, revoked) = env
        .call(Method::DELETE, Some(&admin), &format!("/organizations/{acme}/invitations/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["roles"].as_array().unwrap().len(), 1, "only its own role: {revoked}");
    assert_eq!(revoked["teams"], json!([]));
    let members = env.ok(&admin, &format!("/teams/{team}/members")).await;
    assert!(!members.to_string().contains(&id), "{members}");
}

#[tokio::test]
async fn the_variant_shape_sends_scoped_roles_by_id_and_teams_as_bare_ids() {
    let env = Env::dialect(Dialect::Variant).await;
    let admin = env.token(&env.emu.credentials().admin.key.clone()).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let (id, developer, prod, team) =
        invite_with_extras(&env, &admin, &acme, "two.roles@acme-ml.example").await;
    let list =
        env.ok(&admin, &format!("/organizations/{acme}/invitations?only_pending=true&limit=100")).await;
    let inv = find(&list, &id);
    assert!(inv.get("role").is_none(), "{inv}");
    assert_eq!(inv["roles"][0]["name"], "Organization Member");
    assert_eq!(inv["roles"][1]["role_id"], developer.as_str());
    assert_eq!(inv["roles"][1]["workspace_id"], prod.as_str());
    assert!(inv["roles"][1].get("name").is_none() && inv["roles"][1].get("level").is_none());
    assert_eq!(inv["teams"], json!([team]));
}

/// Attaching roles and teams to an invitation is for Admins and Managers: a Viewer, and the custom
/// role that may only invite, get 403.
#[tokio::test]
async fn low_roles_cannot_attach_roles_or_teams_to_an_invitation() {
    let env = Env::dialect(Dialect::Default).await;
    let creds = env.emu.credentials();
    let admin = env.token(&creds.admin.key.clone()).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let list =
        env.ok(&admin, &format!("/organizations/{acme}/invitations?only_pending=true&limit=100")).await;
    let hire = items(&list).iter().find(|i| i["email"] == "contractor@partner.example").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let developer = env.role_id(&admin, &acme, "Workspace Developer").await;
    let prod = env.ok(&admin, "/workspaces/acme-prod").await["id"].as_str().unwrap().to_owned();
    let teams = env.ok(&admin, &format!("/organizations/{acme}/teams")).await;
    let team = items(&teams)[0]["id"].as_str().unwrap().to_owned();
    for key in [creds.viewer.key.clone(), creds.people_manager.key.clone()] {
        let t = env.token(&key).await;
        let assign = format!("/roles/{developer}/assignments?invitation_id={hire}&workspace_id={prod}");
        let (status, body) = env.call(Method::POST, Some(&t), &assign, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = env
            .call(Method::POST, Some(&t), &format!("/teams/{team}/members?invitation_id={hire}"), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
}

/// Accepting hands every role and team over to the user.
#[tokio::test]
async fn accepting_hands_the_roles_and_teams_to_the_user() {
    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key.clone()).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let email = "accepts@acme-ml.example";
    let (id, _, prod, team) = invite_with_extras(&env, &admin, &acme, email).await;
    let (status, body) = env.control("invitations/accept", json!({"id": id})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let user = body["user_id"].as_str().unwrap().to_owned();
    let access = env.ok(&admin, &format!("/workspaces/{prod}/assignments?limit=100")).await;
    assert!(
        items(&access)
            .iter()
            .any(|a| a["user"]["id"] == user.as_str() && a["role"]["name"] == "Workspace Developer"),
        "{access}"
    );
    let members = env.ok(&admin, &format!("/teams/{team}/members")).await;
    assert!(members.to_string().contains(&user), "{members}");
    let rows = env.ok(&admin, &format!("/organizations/{acme}/members?limit=100")).await;
    let row = items(&rows).iter().find(|r| r["user"]["email"] == email).expect("a member now");
    assert!(row["roles"].to_string().contains("Organization Member"), "{row}");
}
