// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What one step does.
 */
export type StepActionView = "remove_member" | "revoke_invitation" | "invite" | "revoke_role" | "leave_team";
