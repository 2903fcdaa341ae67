// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A team an invitation joins.
 */
export type InvitationTeam = { id: string, name: string | null, 
/**
 * Its name, else its id.
 */
label: string, };
