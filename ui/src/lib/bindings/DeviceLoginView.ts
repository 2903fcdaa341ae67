// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A browser sign-in in progress: show `user_code`; the verification page is already opened.
 */
export type DeviceLoginView = { verification_url: string, user_code: string, 
/**
 * Seconds until the code expires.
 */
expires_in: number, };
