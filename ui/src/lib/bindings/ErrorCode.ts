// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What kind of failure: the closed set the UI switches on. It mirrors core's `ErrorCode` one to one;
 * the exhaustive `From` below makes a new code in core a compile error here until it is mirrored.
 */
export type ErrorCode = "offline" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "plan_limit" | "invalid_input" | "keyring_unavailable" | "server" | "cancelled" | "internal";
