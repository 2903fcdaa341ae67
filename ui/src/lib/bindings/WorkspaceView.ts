// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type WorkspaceView = { id: string, name: string, display_name: string | null, 
/**
 * `not_initialized`, `pending`, `available`, `failed`, `deactivated`, `deleted` (or `other`).
 */
status: string, desired_state: string | null, 
/**
 * Why the workspace is in its status, when the server says (a failure's cause, say).
 */
state_reason: string | null, description: string | null, version: string | null, server_url: string | null, dashboard_url: string, };
