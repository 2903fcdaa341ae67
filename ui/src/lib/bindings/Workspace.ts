// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A workspace as every front end shows it.
 */
export type Workspace = { id: string, name: string, 
/**
 * `available`, `pending`, `failed`, `deactivated`, `deleted`, `not_initialized`.
 */
status: string, 
/**
 * `zenml`, `kitaru`, or a type this build does not know, as the server wrote it.
 */
workspace_type: string, 
/**
 * The ZenML server version.
 */
version: string | null, 
/**
 * The URL of whichever server the workspace has (a Kitaru workspace's Kitaru server first).
 */
server_url: string | null, 
/**
 * Its page on its kind's web dashboard (`ZENML_PRO_URL`, `ZENML_PRO_KITARU_URL`).
 */
dashboard_url: string, display_name: string | null, description: string | null, 
/**
 * The state asked for, while it is being reached.
 */
desired_state: string | null, 
/**
 * Why it is in its state, when the server says.
 */
state_reason: string | null, 
/**
 * Its type in words: "ZenML", "Kitaru".
 */
type_label: string, };
