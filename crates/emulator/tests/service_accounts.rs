//! Service accounts and their API keys, as the dashboard manages them: accounts created, deactivated,
//! activated and deleted; keys created (the secret served once), rotated with a retention period,
//! deactivated and deleted; a created key signs in until it or its account is turned off. Only
//! Organization Admin and Manager write; device-flow tokens are refused; the variant dialect does not
//! offer these routes.

mod common;

use common::Env;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::Dialect;

async fn send(env: &Env, m: Method, token: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    env.call(m, Some(token), path, body).await
}

/// Whether `key` signs in now, by the plain key exchange and by the one with its grant type.
async fn signs_in(env: &Env, key: &str) -> bool {
    let (with_grant, _) = env.login(&[("grant_type", "zenml_api_key"), ("password", key)]).await;
    let (plain, _) = env.login(&[("password", key)]).await;
    assert_eq!(with_grant, plain, "both exchanges agree");
    with_grant == StatusCode::OK
}

#[tokio::test]
async fn accounts_and_keys_are_managed_and_a_created_key_signs_in_while_it_may() {
    let env = Env::dialect(Dialect::Default).await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let base = format!("/organizations/{acme}/service_accounts");

    let (status, made) =
        send(&env, Method::POST, &admin, &base, Some(json!({"username": "autobot", "description": "CI"})))
            .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(
        (made["username"].clone(), made["is_service_account"].clone()),
        (json!("autobot"), json!(true))
    );
    assert_eq!((made["is_active"].clone(), made["api_key_count"].clone()), (json!(true), json!(0)));
    assert_eq!(made["description"], "CI");
    let sa = made["id"].as_str().unwrap().to_string();
    let (status, _) = send(&env, Method::POST, &admin, &base, Some(json!({"username": "AutoBot"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "a taken username, any case");
    let (status, _) = send(&env, Method::POST, &admin, &base, Some(json!({"username": "has space"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Listed though it holds no role yet; addressed by name or id.
    let listed = env.ok(&admin, &base).await;
    assert!(listed.as_array().unwrap().iter().any(|s| s["id"] == sa.as_str()), "{listed}");
    let keys_path = format!("{base}/autobot/api_keys");
    assert_eq!(env.ok(&admin, &keys_path).await, json!([]));

    // A key: its secret once, then never again.
    let (status, key) = send(
        &env,
        Method::POST,
        &admin,
        &keys_path,
        Some(json!({"name": "ci", "description": "pipelines", "expires_in_minutes": 60})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{key}");
    let secret = key["key"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ZENPROKEY_"), "{key}");
    assert!(key["expires"].is_string() && key["last_login"].is_null(), "{key}");
    let key_id = key["id"].as_str().unwrap().to_string();
    let (status, _) = send(&env, Method::POST, &admin, &keys_path, Some(json!({"name": "CI"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) =
        send(&env, Method::POST, &admin, &keys_path, Some(json!({"name": "x", "expires_in_minutes": 0})))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let keys = env.ok(&admin, &keys_path).await;
    assert!(!keys.to_string().contains(&secret), "a listed key has no secret: {keys}");
    assert_eq!(keys[0]["name"], "ci");

    // It signs in as the account, and its use is its last login.
    assert!(signs_in(&env, &secret).await);
    let bot = env.token(&secret).await;
    let me = env.ok(&bot, "/users/me").await;
    assert_eq!(me["id"], sa.as_str());
    let listed = env.ok(&admin, &base).await;
    let row = listed.as_array().unwrap().iter().find(|s| s["id"] == sa.as_str()).unwrap().clone();
    assert!(row["last_login"].is_string() && row["api_key_count"] == 1, "{row}");
    assert!(env.ok(&admin, &keys_path).await[0]["last_login"].is_string());

    // Rotated with a retention: both secrets work; rotated without one, the old stops at once.
    let rotate = format!("{keys_path}/{key_id}/rotate");
    let (status, rotated) =
        send(&env, Method::POST, &admin, &rotate, Some(json!({"retain_period_minutes": 30}))).await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let second = rotated["key"].as_str().unwrap().to_string();
    assert_ne!(second, secret);
    assert_eq!(rotated["retain_period_minutes"], 30);
    assert!(signs_in(&env, &secret).await && signs_in(&env, &second).await);
    let (_, again) = send(&env, Method::POST, &admin, &format!("{keys_path}/ci/rotate"), None).await;
    let third = again["key"].as_str().unwrap().to_string();
    assert!(signs_in(&env, &third).await);
    assert!(!signs_in(&env, &second).await, "rotated out with no retention");
    assert!(signs_in(&env, &secret).await, "still within its own retention");

    // A deactivated key, then a deactivated account, cannot sign in; tokens issued stay valid.
    let key_path = format!("{keys_path}/ci");
    let (status, off) = send(&env, Method::PATCH, &admin, &key_path, Some(json!({"active": false}))).await;
    assert_eq!((status, off["active"].clone()), (StatusCode::OK, json!(false)));
    assert!(!signs_in(&env, &third).await);
    send(&env, Method::PATCH, &admin, &key_path, Some(json!({"active": true}))).await;
    assert!(signs_in(&env, &third).await);
    let (status, off) =
        send(&env, Method::PATCH, &admin, &format!("{base}/{sa}"), Some(json!({"active": false}))).await;
    assert_eq!((status, off["is_active"].clone()), (StatusCode::OK, json!(false)));
    assert!(!signs_in(&env, &third).await, "an inactive account's keys are refused");
    env.ok(&bot, "/users/me").await;
    send(&env, Method::PATCH, &admin, &format!("{base}/autobot"), Some(json!({"active": true}))).await;
    assert!(signs_in(&env, &third).await);

    // A deleted key, then a deleted account.
    let (status, _) = send(&env, Method::DELETE, &admin, &key_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!signs_in(&env, &third).await);
    assert_eq!(send(&env, Method::DELETE, &admin, &key_path, None).await.0, StatusCode::NOT_FOUND);
    let (_, k2) = send(&env, Method::POST, &admin, &keys_path, Some(json!({"name": "second"}))).await;
    let k2 = k2["key"].as_str().unwrap().to_string();
    assert!(signs_in(&env, &k2).await);
    let (status, _) = send(&env, Method::DELETE, &admin, &format!("{base}/autobot"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!signs_in(&env, &k2).await, "a deleted account's keys are refused");
    let listed = env.ok(&admin, &base).await;
    assert!(!listed.as_array().unwrap().iter().any(|s| s["id"] == sa.as_str()));
    assert_eq!(env.get(&admin, &keys_path).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_admins_and_managers_write_device_tokens_are_refused_and_the_variant_offers_nothing() {
    let env = Env::dialect(Dialect::Default).await;
    let creds = env.emu.credentials().clone();
    let admin = env.token(&creds.admin.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let base = format!("/organizations/{acme}/service_accounts");
    let viewer = env.token(&creds.viewer.key).await;
    let (status, _) = send(&env, Method::POST, &viewer, &base, Some(json!({"username": "nope"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    env.ok(&viewer, &base).await;
    let manager = env.token(&creds.manager.key).await;
    let (status, made) =
        send(&env, Method::POST, &manager, &base, Some(json!({"username": "mgr-bot"}))).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let (status, _) =
        send(&env, Method::POST, &viewer, &format!("{base}/mgr-bot/api_keys"), Some(json!({"name": "k"})))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        send(&env, Method::PATCH, &viewer, &format!("{base}/mgr-bot"), Some(json!({"active": false}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A device-flow token is refused with the typed 401 on every one of them.
    let device = env.token_as(&creds.admin.user_email).await;
    for (m, path) in [
        (Method::POST, base.clone()),
        (Method::PATCH, format!("{base}/mgr-bot")),
        (Method::GET, format!("{base}/mgr-bot/api_keys")),
        (Method::POST, format!("{base}/mgr-bot/api_keys/k/rotate")),
        (Method::DELETE, format!("{base}/mgr-bot")),
    ] {
        let (status, body) = send(&env, m.clone(), &device, &path, Some(json!({}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{m} {path}");
        assert!(body["detail"].as_str().unwrap().contains("device_code not allowed"), "{body}");
    }

    // The variant: 404 on every route, after the token is taken.
    let env = Env::dialect(Dialect::Variant).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    let acme = env.org_id(&admin, "acme-ml").await;
    let base = format!("/organizations/{acme}/service_accounts");
    for (m, path) in [
        (Method::GET, base.clone()),
        (Method::POST, base.clone()),
        (Method::PATCH, format!("{base}/x")),
        (Method::DELETE, format!("{base}/x")),
        (Method::GET, format!("{base}/x/api_keys")),
        (Method::POST, format!("{base}/x/api_keys")),
        (Method::POST, format!("{base}/x/api_keys/k/rotate")),
        (Method::PATCH, format!("{base}/x/api_keys/k")),
        (Method::DELETE, format!("{base}/x/api_keys/k")),
    ] {
        let (status, body) =
            send(&env, m.clone(), &admin, &path, Some(json!({"username": "x", "name": "k"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{m} {path}: {body}");
    }
}
