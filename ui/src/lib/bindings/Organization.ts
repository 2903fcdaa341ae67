// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * An organization as every front end shows it.
 */
export type Organization = { id: string, name: string, display_name: string | null, description: string | null, 
/**
 * `free`, `trial`, `pro`, `enterprise` (or `other`); null when your role cannot see billing.
 */
plan: string | null, 
/**
 * Whether it is the account's active organization.
 */
active: boolean, 
/**
 * Null when the server did not say (or said it in a shape this app cannot read).
 */
created: string | null, updated: string | null, trial_expiry: string | null, has_active_subscription: boolean | null, 
/**
 * The owner's name, else username.
 */
owner_name: string | null, owner_email: string | null, };
