// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One member of a team: a user, or a pending invitation.
 */
export type TeamMemberView = { 
/**
 * `user:<id>` or `invitation:<id>`.
 */
key: string, 
/**
 * A pending invitation rather than a user.
 */
pending: boolean, 
/**
 * The name (else the email) as the members list shows it.
 */
name: string, email: string | null, };
