// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One line of the Diagnostics page.
 */
export type DiagnosticCheckView = { 
/**
 * `connection`, `clock`, `schema`, `sign-in`, `read`, `last sync`.
 */
area: string, check: string, 
/**
 * `ok`, `info`, `warn` or `fail`.
 */
result: string, detail: string, };
