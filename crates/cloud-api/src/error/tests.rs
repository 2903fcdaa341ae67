//! Tests of the error types: the three forms of `detail`, status mapping, and capping.

use super::*;

#[test]
fn parses_the_string_form() {
    let d = ErrorDetail::parse(br#"{"detail": "Organization not found"}"#);
    assert_eq!(d, ErrorDetail::Text("Organization not found".into()));
    let e = ApiError::from_status(404, br#"{"detail": "Organization not found"}"#, None);
    assert!(matches!(e, ApiError::NotFound(_)));
    assert_eq!(e.to_string(), "not found: Organization not found");
}

#[test]
fn parses_the_named_list_form() {
    let d = ErrorDetail::parse(br#"{"detail": ["IllegalOperationError", "Only admins can invite"]}"#);
    assert_eq!(
        d,
        ErrorDetail::Named { name: "IllegalOperationError".into(), message: "Only admins can invite".into() }
    );
    assert_eq!(d.message(), "Only admins can invite");
}

#[test]
fn parses_the_fastapi_validation_form() {
    let body = br#"{"detail": [{"loc": ["body", "email"], "msg": "value is not a valid email address", "type": "value_error"},
                               {"loc": ["query", "limit"], "msg": "must be at most 1000", "type": "less_than_equal"}]}"#;
    let e = ApiError::from_status(422, body, None);
    let fields = e.field_errors();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].field, "email");
    assert_eq!(fields[0].loc, vec!["body", "email"]);
    assert_eq!(fields[0].message, "value is not a valid email address");
    assert_eq!(fields[1].field, "limit");
    assert_eq!(
        e.to_string(),
        "invalid input: email: value is not a valid email address; limit: must be at most 1000"
    );
}

#[test]
fn parses_oauth_errors_and_garbage() {
    let e = ApiError::from_status(
        400,
        br#"{"error": "access_denied", "error_description": "denied by user"}"#,
        None,
    );
    assert!(matches!(e, ApiError::AccessDenied(_)));
    assert!(e.to_string().contains("denied by user"));
    assert!(matches!(
        ApiError::from_status(400, br#"{"error": "expired_token"}"#, None),
        ApiError::DeviceCodeExpired
    ));
    assert_eq!(
        ErrorDetail::parse(b"<html>502 Bad Gateway</html>"),
        ErrorDetail::Text("<html>502 Bad Gateway</html>".into())
    );
    assert_eq!(ErrorDetail::parse(b""), ErrorDetail::None);
    assert!(matches!(ApiError::from_status(502, b"", None), ApiError::Server { status: 502, .. }));
}

#[test]
fn maps_every_documented_status() {
    type Check = fn(&ApiError) -> bool;
    let cases: [(u16, Check); 8] = [
        (401, |e| matches!(e, ApiError::Unauthorized(_))),
        (402, |e| matches!(e, ApiError::PlanLimit(_))),
        (403, |e| matches!(e, ApiError::Forbidden(_))),
        (404, |e| matches!(e, ApiError::NotFound(_))),
        (409, |e| matches!(e, ApiError::Conflict(_))),
        (422, |e| matches!(e, ApiError::InvalidInput(_))),
        (429, |e| matches!(e, ApiError::RateLimited { retry_after: Some(_), .. })),
        (503, |e| matches!(e, ApiError::Server { status: 503, .. })),
    ];
    for (status, check) in cases {
        let e = ApiError::from_status(status, br#"{"detail": "x"}"#, Some(Duration::from_secs(2)));
        assert!(check(&e), "status {status} mapped to {e:?}");
    }
}

#[test]
fn a_long_detail_is_capped_on_a_character_boundary() {
    assert_eq!(cap_detail("short"), "short");
    let exact = "a".repeat(MAX_DETAIL_BYTES);
    assert_eq!(cap_detail(&exact), exact, "1 KiB fits");
    // Multi-byte characters around the cut: the text still ends on a boundary, with an ellipsis.
    for pad in 0..4 {
        let long = format!("{}{}", "x".repeat(pad), "é中🦀".repeat(400));
        let capped = cap_detail(&long);
        assert!(capped.len() <= MAX_DETAIL_BYTES, "{pad}: {}", capped.len());
        assert!(capped.ends_with('…') && long.starts_with(capped.trim_end_matches('…')), "{pad}");
        assert!(capped.len() > MAX_DETAIL_BYTES - 8, "{pad}: no more cut than needed");
    }

    let huge = "Z".repeat(1_000_000);
    let forms = [
        serde_json::json!({ "detail": huge }),
        serde_json::json!({ "detail": ["IllegalOperationError", huge] }),
        serde_json::json!({ "detail": [{"loc": ["body", huge], "msg": huge, "type": huge}] }),
        serde_json::json!({ "error": huge, "error_description": huge }),
        serde_json::json!({ "detail": { "nested": huge } }),
        serde_json::json!({ "detail": (0..500).map(|i| serde_json::json!({"loc": ["body", i], "msg": huge})).collect::<Vec<_>>() }),
    ];
    for body in forms {
        let body = serde_json::to_vec(&body).unwrap();
        let e = ApiError::from_status(422, &body, None);
        let d = e.detail().unwrap();
        assert!(d.message().len() <= MAX_DETAIL_BYTES, "{}", d.message().len());
        assert!(e.to_string().len() <= MAX_DETAIL_BYTES + 64, "the error's text too");
        // Nothing kept holds the whole text: not the debug form that a log line could print.
        assert!(format!("{d:?}").len() < 64 * MAX_DETAIL_BYTES, "{}", format!("{d:?}").len());
        for f in d.fields() {
            assert!(f.message.len() <= MAX_DETAIL_BYTES && f.field.len() <= MAX_DETAIL_BYTES);
        }
        assert!(d.fields().len() <= MAX_FIELDS);
    }
    let text = ErrorDetail::parse(format!(r#"{{"detail": "{}"}}"#, "é".repeat(2000)).as_bytes());
    let ErrorDetail::Text(t) = text else { panic!("a string detail") };
    assert!(t.len() <= MAX_DETAIL_BYTES && t.ends_with('…'));
}
