//! Whatever a server sends, reading it never panics: arbitrary JSON into every wire model (alone, as a
//! list, and inside a page), arbitrary bytes as an error body, arbitrary strings as a base URL.

use proptest::prelude::*;
use serde_json::{Map, Value};
use zenml_cloud_api::wire::{read_one, ReadNotes};
use zenml_cloud_api::*;

/// Any JSON value, a few levels deep, with keys the models read among the random ones.
fn json() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        Just("id".to_owned()),
        Just("name".to_owned()),
        Just("email".to_owned()),
        Just("roles".to_owned()),
        Just("role".to_owned()),
        Just("role_id".to_owned()),
        Just("user".to_owned()),
        Just("team".to_owned()),
        Just("invitation".to_owned()),
        Just("organization".to_owned()),
        Just("owner".to_owned()),
        Just("created".to_owned()),
        Just("trial_expiry".to_owned()),
        Just("status".to_owned()),
        Just("level".to_owned()),
        Just("zenml_service".to_owned()),
        Just("expires_in".to_owned()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,24}".prop_map(Value::String),
        Just(Value::String("11111111-2222-4333-8444-555555555555".into())),
        Just(Value::String("2024-03-01T10:00:00".into())),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn read_all(v: &Value) {
    let mut notes = ReadNotes::default();
    let _ = read_one::<User>(v, &mut notes);
    let _ = read_one::<Organization>(v, &mut notes);
    let _ = read_one::<MemberRow>(v, &mut notes);
    let _ = read_one::<MemberRole>(v, &mut notes);
    let _ = read_one::<Invitation>(v, &mut notes);
    let _ = read_one::<RoleRef>(v, &mut notes);
    let _ = read_one::<Role>(v, &mut notes);
    let _ = read_one::<Team>(v, &mut notes);
    let _ = read_one::<Workspace>(v, &mut notes);
    let _ = read_one::<ZenmlService>(v, &mut notes);
    if let Value::Array(rows) = v {
        let _ = Listing::<MemberRow>::read(rows);
        let _ = Listing::<Workspace>::read(rows);
        let _ = Listing::<Invitation>::read(rows);
    }
    let _ = serde_json::from_value::<TokenResponse>(v.clone()).map(|t| t.expires_at(chrono::Utc::now()));
    let _ = serde_json::from_value::<DeviceAuthorization>(v.clone());
    let _ = zenml_cloud_api::openapi::check_document(v, "/api/v1");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_into_every_wire_model_never_panics(v in json()) {
        read_all(&v);
        read_all(&Value::Array(vec![v.clone(), v]));
    }

    #[test]
    fn arbitrary_error_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..256), status in 100u16..600) {
        let e = ApiError::from_status(status, &body, None);
        let _ = e.to_string();
        let _ = smaller_limit(&e, 1000);
    }

    #[test]
    fn arbitrary_base_urls_never_panic(s in ".{0,64}") {
        let _ = parse_base_url(&s);
        let _ = parse_base_url(&format!("https://{s}"));
        let _ = parse_base_url(&format!("http://{s}"));
    }
}
