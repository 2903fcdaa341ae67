// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type OrgView = { id: string, name: string, display_name: string | null, description: string | null, 
/**
 * Null when the server did not say (or said it in a shape this app cannot read).
 */
created: string | null, updated: string | null, 
/**
 * `free`, `trial`, `pro`, `enterprise` (or `other`); null when the role may not see billing.
 */
plan: string | null, trial_expiry: string | null, has_active_subscription: boolean | null, owner_name: string | null, owner_email: string | null, 
/**
 * The account's active organization.
 */
active: boolean, };
