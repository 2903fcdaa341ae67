// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One role held somewhere: on the organization or on a workspace, by a user, a team or an invitation.
 */
export type AccessEntryView = { role_id: string, role: string, 
/**
 * `organization`, `workspace` or `project`; null when the server did not say.
 */
level: string | null, 
/**
 * null: the organization.
 */
workspace_id: string | null, workspace: string | null, 
/**
 * `user`, `team` or `invitation`.
 */
kind: string, holder_id: string, 
/**
 * An email (a user, an invitation) or a team's name.
 */
holder: string, 
/**
 * A user's name, when the server gave one.
 */
name: string | null, };
