// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A workspace role a member holds, and the team it comes through (null: held directly).
 */
export type HeldRoleView = { workspace_id: string | null, workspace: string | null, role_id: string, role: string, via_team: string | null, };
