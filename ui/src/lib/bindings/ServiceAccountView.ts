// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type ServiceAccountView = { id: string, 
/**
 * Its name, else its username, else its id.
 */
name: string, description: string | null, 
/**
 * null when the server did not say.
 */
active: boolean | null, last_login: string | null, created: string | null, };
