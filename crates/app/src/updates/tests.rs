//! Which builds have updates, and how update errors read.

use super::*;

#[test]
fn a_build_has_updates_only_with_both_an_https_endpoint_and_a_key() {
    let c = UpdateConfig::from_values(Some(" https://updates.example.test/latest.json "), Some("a2V5"));
    assert_eq!(
        c.map(|c| c.endpoint.to_string()).as_deref(),
        Some("https://updates.example.test/latest.json")
    );
    assert_eq!(UpdateConfig::from_values(None, None), None);
    assert_eq!(UpdateConfig::from_values(Some("https://u.example.test/x"), None), None);
    assert_eq!(UpdateConfig::from_values(Some("https://u.example.test/x"), Some("  ")), None);
    assert_eq!(UpdateConfig::from_values(None, Some("a2V5")), None);
    assert_eq!(UpdateConfig::from_values(Some("http://updates.example.test/x"), Some("a2V5")), None);
    assert_eq!(UpdateConfig::from_values(Some("not a url"), Some("a2V5")), None);
    assert!(UpdateConfig::from_values(Some("http://127.0.0.1:8080/latest.json"), Some("a2V5")).is_some());
}

#[test]
fn errors_read_as_plain_sentences() {
    assert_eq!(
        UpdateError::BadSignature.to_string(),
        "The update's signature does not match this app's update key: not installed."
    );
    assert!(UpdateError::NoBuildHere("linux-x86_64".into()).to_string().contains("linux-x86_64"));
}
