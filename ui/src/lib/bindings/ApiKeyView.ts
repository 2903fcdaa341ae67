// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One API key of a service account (never its value).
 */
export type ApiKeyView = { id: string, name: string, description: string | null, 
/**
 * null when the server did not say.
 */
active: boolean | null, last_used: string | null, 
/**
 * null: it does not expire (or the server did not say).
 */
expires: string | null, created: string | null, };
