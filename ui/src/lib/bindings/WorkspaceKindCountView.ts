// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * How many of an organization's workspaces are of one kind.
 */
export type WorkspaceKindCountView = { 
/**
 * `zenml`, `kitaru`, or a type this build does not know, as the server wrote it.
 */
workspace_type: string, 
/**
 * `ZenML`, `Kitaru`, or the unknown type's text.
 */
label: string, count: number, };
