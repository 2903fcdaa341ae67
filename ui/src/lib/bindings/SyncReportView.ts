// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { SyncFailureView } from "./SyncFailureView";

export type SyncReportView = { organizations: number, synced: number, failed: Array<SyncFailureView>, 
/**
 * Organizations dropped from the cache because the server no longer lists them.
 */
removed: number, duration_ms: number, };
