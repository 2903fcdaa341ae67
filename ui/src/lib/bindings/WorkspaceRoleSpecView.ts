// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A workspace role to invite with: the workspace and the role, each by id or name.
 */
export type WorkspaceRoleSpecView = { workspace: string, role: string, };
