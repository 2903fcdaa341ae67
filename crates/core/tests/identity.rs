//! Members are found by a stable key, never by a display name that happens to look like someone
//! else's email or id: a write meant for one colleague can never reach another.

mod common;

use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;
use zenml_pro_core::{
    account_id, cache_path, AccountRecord, AuthMethod, Cache, ErrorCode, MemoryKeyring, OrgSnapshot,
};

const BASE: &str = "https://cloudapi.example.test";

fn user_row(id: Uuid, email: &str, name: &str) -> zenml_pro_core::api::MemberRow {
    serde_json::from_value(json!({
        "user": {"id": id, "email": email, "name": name},
        "roles": [{"role_id": Uuid::from_u128(1), "name": "Organization Viewer", "level": "organization"}]
    }))
    .unwrap()
}

#[test]
fn a_member_is_found_by_id_or_unique_email_username_or_name_and_ambiguity_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let me = Uuid::from_u128(7);
    let acc = account_id(BASE, me);
    let (alice, bob, carol, sam1, sam2) = (
        Uuid::from_u128(11),
        Uuid::from_u128(12),
        Uuid::from_u128(13),
        Uuid::from_u128(14),
        Uuid::from_u128(15),
    );
    let org_id = Uuid::from_u128(100);
    {
        let (cache, _) = Cache::open(&cache_path(dir.path())).unwrap();
        let now = Utc::now();
        cache
            .upsert_account(&AccountRecord {
                id: acc.clone(),
                base_url: BASE.into(),
                user_id: me,
                user_email: None,
                user_name: None,
                auth_method: AuthMethod::Key,
                device_id: None,
                token_expires_at: None,
                created_at: now,
                last_used_at: now,
                signed_in: true,
            })
            .unwrap();
        let organization = serde_json::from_value(json!({"id": org_id, "name": "acme"})).unwrap();
        let members = vec![
            // Display names chosen to look like a colleague's email and id; they sort before him.
            user_row(alice, "alice@x.example", "bob@x.example"),
            user_row(carol, "carol@x.example", &bob.to_string()),
            user_row(bob, "bob@x.example", "Zed Bob"),
            user_row(sam1, "sam.one@x.example", "Sam Lee"),
            user_row(sam2, "sam.two@x.example", "Sam Lee"),
        ];
        let snapshot = OrgSnapshot {
            organization,
            workspaces: vec![],
            members,
            invitations: vec![],
            roles: vec![],
            teams: vec![],
            reads: Default::default(),
        };
        cache.replace_org_snapshot(&acc, &snapshot, now).unwrap();
    }
    let core = common::open_core(dir.path(), Arc::new(MemoryKeyring::new()));
    let found = |who: &str| core.find_member(&acc, org_id, who).map(|r| r.user.unwrap().id);
    assert_eq!(found("bob@x.example").unwrap(), bob, "the email, not a look-alike display name");
    assert_eq!(found("BOB@X.EXAMPLE").unwrap(), bob);
    assert_eq!(found(&bob.to_string()).unwrap(), bob, "the id, not a look-alike display name");
    assert_eq!(found("Zed Bob").unwrap(), bob);
    assert_eq!(found("sam.two@x.example").unwrap(), sam2);
    let e = found("Sam Lee").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("sam.one@x.example") && e.message.contains("sam.two@x.example"), "{e}");
    assert_eq!(found("nobody@x.example").unwrap_err().code, ErrorCode::NotFound);
}
