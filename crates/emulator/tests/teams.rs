//! The team routes: who may change teams (Organization Admin and Manager; Viewer and Member get 403),
//! names unique per organization (409), duplicate members (409), a team's member list, and deleting a
//! team taking back what it granted (its members' `via_team` roles); in both dialects.

mod common;

use common::{items, Env};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

fn user_roles(members: &Value, email: &str) -> Vec<(String, bool)> {
    items(members)
        .iter()
        .find(|r| r["user"]["email"] == email)
        .map(|r| {
            r["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| (x["role_id"].as_str().unwrap().to_owned(), x["via_team"] == true))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn only_admins_and_managers_change_teams_and_names_and_members_are_unique() {
    let env = Env::dialect(Dialect::Default).await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let manager = env.token(&creds.manager.key).await;
    let viewer = env.token(&creds.viewer.key).await;
    let member = env.token(&creds.member.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;

    for token in [&viewer, &member] {
        let (status, body) = env
            .call(Method::POST, Some(token), "/teams", Some(json!({"name": "nope", "organization_id": acme})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    let (status, team) = env
        .call(
            Method::POST,
            Some(&manager),
            "/teams",
            Some(json!({"name": "ops", "description": "Ops", "organization_id": acme})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{team}");
    assert_eq!((team["name"].clone(), team["member_count"].clone()), (json!("ops"), json!(0)));
    let id = team["id"].as_str().unwrap().to_owned();
    let (status, _) = env
        .call(Method::POST, Some(&admin), "/teams", Some(json!({"name": "OPS", "organization_id": acme})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "names are unique in any case");
    let (status, _) = env.call(Method::POST, Some(&admin), "/teams", Some(json!({"name": "  "}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, got) = env.get(&viewer, &format!("/teams/{id}")).await;
    assert_eq!((status, got["description"].clone()), (StatusCode::OK, json!("Ops")), "a viewer reads it");
    for token in [&viewer, &member] {
        let (status, _) =
            env.call(Method::PATCH, Some(token), &format!("/teams/{id}"), Some(json!({"name": "x"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = env.call(Method::DELETE, Some(token), &format!("/teams/{id}"), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, renamed) = env
        .call(Method::PATCH, Some(&admin), &format!("/teams/{id}"), Some(json!({"name": "operations"})))
        .await;
    assert_eq!(
        (status, renamed["name"].clone(), renamed["description"].clone()),
        (StatusCode::OK, json!("operations"), json!("Ops"))
    );
    let (status, _) = env
        .call(Method::PATCH, Some(&admin), &format!("/teams/{id}"), Some(json!({"name": "platform"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let users = env.ok(&admin, &format!("/users?email={}", creds.viewer.user_email)).await;
    let viewer_id = users[0]["id"].as_str().unwrap().to_owned();
    let add = format!("/teams/{id}/members?user_id={viewer_id}");
    assert_eq!(env.call(Method::POST, Some(&viewer), &add, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(env.call(Method::POST, Some(&admin), &add, None).await.0, StatusCode::OK);
    assert_eq!(env.call(Method::POST, Some(&admin), &add, None).await.0, StatusCode::CONFLICT);
    let (status, listed) = env.get(&viewer, &format!("/teams/{id}/members")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(items(&listed).len(), 1);
    assert_eq!(listed[0]["user"]["email"], creds.viewer.user_email);
    assert_eq!(listed[0]["invitation"], Value::Null);
    assert_eq!(env.get(&member, &format!("/teams/{id}/members")).await.0, StatusCode::FORBIDDEN);

    // What the team grants reaches its members' rows, and leaves with the team.
    let manager_role = env.role_id(&admin, &acme, "Organization Manager").await;
    let assign = format!("/roles/{manager_role}/assignments?team_id={id}");
    assert_eq!(env.call(Method::POST, Some(&admin), &assign, None).await.0, StatusCode::OK);
    let members = env.ok(&admin, &format!("/organizations/{acme}/members?limit=100")).await;
    assert!(user_roles(&members, &creds.viewer.user_email).contains(&(manager_role.clone(), true)));
    let (status, _) = env.call(Method::DELETE, Some(&admin), &format!("/teams/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let members = env.ok(&admin, &format!("/organizations/{acme}/members?limit=100")).await;
    let left = user_roles(&members, &creds.viewer.user_email);
    assert!(!left.is_empty() && left.iter().all(|(_, via)| !via), "{left:?}");
    assert!(items(&members).iter().all(|r| r["team"]["id"] != json!(id)));
    assert_eq!(env.get(&admin, &format!("/teams/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        env.call(Method::DELETE, Some(&admin), &format!("/teams/{id}"), None).await.0,
        StatusCode::NOT_FOUND
    );

    // Outside the organization a team does not exist.
    let founder = env.token_as("founder@tiny-startup.example").await;
    let teams = env.ok(&admin, &format!("/organizations/{acme}/teams")).await;
    let platform =
        items(&teams).iter().find(|t| t["name"] == "platform").unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(env.get(&founder, &format!("/teams/{platform}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn team_members_in_both_dialects() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let admin = env.token(&env.emu.credentials().admin.key).await;
        let acme = env.org_id(&admin, "acme-ml").await;
        let teams = env.ok(&admin, &format!("/organizations/{acme}/teams")).await;
        let platform = items(&teams).iter().find(|t| t["name"] == "platform").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let listed = env.ok(&admin, &format!("/teams/{platform}/members")).await;
        assert_eq!(items(&listed).len(), 2, "{dialect}");
        let invitation = items(&listed).iter().find(|r| r["invitation"].is_object()).expect("the invitation");
        assert_eq!(invitation["invitation"]["email"], "new-hire@acme-ml.example");
        if dialect == Dialect::Variant {
            assert!(invitation.get("user").is_none(), "the variant leaves out null keys");
            assert!(invitation.get("x_revision").is_some());
        } else {
            assert_eq!(invitation["user"], Value::Null);
        }
        let (status, _) = env.get(&admin, &format!("/teams/{platform}/members?limit=1")).await;
        assert_eq!(status, StatusCode::OK, "{dialect}: paged");
    }
}
