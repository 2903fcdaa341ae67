// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What kind of failure: a small closed set, stable across versions (the UI and `zpro` exit codes
 * switch on it).
 */
export type ErrorCode = "offline" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "plan_limit" | "invalid_input" | "keyring_unavailable" | "server" | "cancelled" | "internal";
