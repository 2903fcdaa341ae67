// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A role a member holds.
 */
export type HeldRole = { id: string, 
/**
 * Its name, else its id.
 */
name: string, 
/**
 * Held through a team rather than directly.
 */
via_team: boolean, 
/**
 * Its name, and "(via a team)" when held through one.
 */
label: string, };
