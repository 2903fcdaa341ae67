// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What the user confirmed on purpose before an offboarding runs.
 */
export type OverridesView = { 
/**
 * Remove the account's own user too.
 */
remove_self: boolean, 
/**
 * Remove an organization's last Organization Admin too.
 */
last_admin: boolean, };
