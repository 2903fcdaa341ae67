// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One role an invitation carries.
 */
export type InvitationRole = { id: string, name: string | null, 
/**
 * `organization`, `workspace` or `project`, when the server says.
 */
level: string | null, workspace_id: string | null, 
/**
 * The workspace's name, when it is a workspace role and the name is known.
 */
workspace: string | null, 
/**
 * With where it applies: "Workspace Developer on acme-prod".
 */
label: string, };
