// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * Where updates are, as the window shows it. Tagged by `state`.
 */
export type UpdateState = { "state": "idle" } | { "state": "checking" } | { "state": "up_to_date", version: string, } | { "state": "available", version: string, notes: string | null, } | { "state": "downloading", version: string, downloaded: number, total: number | null, } | { "state": "restarting", version: string, } | { "state": "failed", message: string, version: string | null, };
