// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One service account as the Service accounts page lists it.
 */
export type ServiceAccountView = { id: string, 
/**
 * Its name (its username).
 */
name: string, description: string | null, 
/**
 * null when the server did not say.
 */
active: boolean | null, last_login: string | null, 
/**
 * How many API keys it has; null when the server did not say.
 */
key_count: number | null, 
/**
 * The names of its organization roles.
 */
roles: Array<string>, };
