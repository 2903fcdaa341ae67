//! With the `ts` feature, core's enums the window shows declare TypeScript types whose strings are
//! their serde names, the same the app's own types had (`cargo test -p zenml-pro-core --features ts`).
#![cfg(feature = "ts")]

use ts_rs::{Config, TS};
use zenml_pro_core::{AuthMethod, Entity, ErrorCode, MemberKind};

fn declares(decl: &str, names: &[&str]) {
    for name in names {
        assert!(decl.contains(&format!("\"{name}\"")), "{name} missing in {decl}");
    }
}

#[test]
fn declarations_carry_the_serde_names() {
    let cfg = Config::new();
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    declares(&ErrorCode::decl(&cfg), &codes);
    let entities: Vec<&str> = Entity::ALL.iter().map(|e| e.as_str()).collect();
    declares(&Entity::decl(&cfg), &entities);
    declares(&MemberKind::decl(&cfg), &["user", "service_account", "team", "invitation"]);
    declares(&AuthMethod::decl(&cfg), &["device", "key", "password"]);
    assert!(ErrorCode::decl(&cfg).starts_with("type ErrorCode"), "{}", ErrorCode::decl(&cfg));
}
