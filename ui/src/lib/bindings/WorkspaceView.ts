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
state_reason: string | null, description: string | null, 
/**
 * `zenml`, `kitaru`, or a type this build does not know, as the server wrote it.
 */
workspace_type: string, 
/**
 * How its type is named: `ZenML`, `Kitaru`, or the unknown type's text.
 */
type_label: string, 
/**
 * The ZenML server's version.
 */
version: string | null, 
/**
 * The URL of whichever server it has (a Kitaru workspace's Kitaru server first).
 */
server_url: string | null, 
/**
 * Its page on its kind's dashboard.
 */
dashboard_url: string, };
