//! Token types (contract 2.2a): a device-flow token is refused on the key routes with a 401 naming its
//! type; `GET /auth/api_token` buys an automation token those routes take; the control route
//! `token_types` makes key-exchange and automation tokens refused too.

mod common;

use common::Env;
use reqwest::StatusCode;
use serde_json::json;
use zenml_pro_emulator::Dialect;

/// The key route took the token: it lists the service accounts (the variant dialect, which does not
/// offer them, answers 404 once the token is taken).
async fn taken(env: &Env, dialect: Dialect, token: &str, sas: &str) {
    let (status, body) = env.get(token, sas).await;
    if dialect == Dialect::Variant {
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    } else {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!body.as_array().expect("list").is_empty());
    }
}

#[tokio::test]
async fn device_tokens_are_refused_on_key_routes_and_exchanged_tokens_are_taken() {
    for dialect in Dialect::ALL {
        let env = Env::dialect(dialect).await;
        let creds = env.emu.credentials().clone();
        let device = env.token_as(&creds.admin.user_email).await;
        let acme = env.org_id(&device, "acme-ml").await;
        let sas = format!("/organizations/{acme}/service_accounts");

        // Other routes take the device token; the key route refuses it, naming the token type.
        env.ok(&device, "/users/me").await;
        env.ok(&device, &format!("/organizations/{acme}/members")).await;
        let (status, body) = env.get(&device, &sas).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{dialect}");
        let detail = body["detail"].as_str().expect("a string detail");
        assert!(
            detail.contains("token type") && detail.contains("device_code not allowed for this endpoint")
        );

        // The exchange answers a bare string, which the key route takes.
        let (status, exchanged) = env.get(&device, "/auth/api_token").await;
        assert_eq!(status, StatusCode::OK, "{dialect}: {exchanged}");
        let automation = exchanged.as_str().expect("a bare JSON string").to_string();
        assert_ne!(automation, device);
        let (_, live) = env.control_call(reqwest::Method::GET, "tokens", None).await;
        let kind_of =
            |t: &str| live.as_array().unwrap().iter().find(|x| x["token"] == t).map(|x| x["kind"].clone());
        assert_eq!(kind_of(&automation), Some(json!("api_token")));
        assert_eq!(kind_of(&device), Some(json!("device_code")));
        let hour = live.as_array().unwrap().iter().find(|x| x["token"] == automation.as_str()).unwrap();
        assert!((3590..=3600).contains(&hour["expires_in"].as_u64().unwrap()), "valid one hour");
        taken(&env, dialect, &automation, &sas).await;
        env.ok(&automation, "/users/me").await;

        // No token, or a bad one: a plain 401.
        let (status, body) = env.call(reqwest::Method::GET, None, "/auth/api_token", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, body) = env.get("nope", "/auth/api_token").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(!body["detail"].as_str().unwrap().contains("token type"));

        // Key-exchange tokens: taken by default.
        let keyed = env.token(&creds.admin.key).await;
        taken(&env, dialect, &keyed, &sas).await;

        // Flipped: key-exchange tokens and automation tokens are refused as well, each by name.
        let (status, state) = env.control("token_types", json!({"key_exchange": "refuse"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(state, json!({"device_code": "refuse", "key_exchange": "refuse", "api_token": "accept"}));
        let (status, body) = env.get(&keyed, &sas).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["detail"].as_str().unwrap().contains("api_key not allowed for this endpoint"));
        env.ok(&keyed, "/users/me").await;
        let from_key = env.ok(&keyed, "/auth/api_token").await;
        taken(&env, dialect, from_key.as_str().unwrap(), &sas).await;

        let (_, state) = env.control("token_types", json!({"api_token": "refuse"})).await;
        assert_eq!(state["key_exchange"], "refuse", "a field left out keeps its setting");
        let (status, body) = env.get(&automation, &sas).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["detail"].as_str().unwrap().contains("api_token not allowed for this endpoint"));

        let (status, _) = env.control("token_types", json!({"api_token": "maybe"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, state) =
            env.control("token_types", json!({"key_exchange": "accept", "api_token": "accept"})).await;
        assert_eq!(state, json!({"device_code": "refuse", "key_exchange": "accept", "api_token": "accept"}));
        taken(&env, dialect, &automation, &sas).await;

        // Revoking every token revokes automation tokens too.
        env.control("tokens/revoke", json!({})).await;
        let (status, body) = env.get(&automation, &sas).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(!body["detail"].as_str().unwrap().contains("token type"));
    }
}
