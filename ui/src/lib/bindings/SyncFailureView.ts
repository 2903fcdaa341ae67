// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One organization a sync could not fetch.
 */
export type SyncFailureView = { organization: string, message: string, };
