// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * How many of an organization's workspaces are in one status.
 */
export type WorkspaceCountView = { 
/**
 * `not_initialized`, `pending`, `available`, `failed`, `deactivated`, `deleted` (or `other`).
 */
status: string, count: number, };
