// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { WorkspaceView } from "./WorkspaceView";

/**
 * An organization's workspaces.
 */
export type WorkspaceListView = { items: Array<WorkspaceView>, fetched_at: string | null, stale: boolean, last_error: string | null, };
