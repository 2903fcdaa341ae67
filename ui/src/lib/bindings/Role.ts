// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A role as every front end shows it.
 */
export type Role = { id: string, name: string, 
/**
 * `organization`, `workspace` or `project`; `unknown` when the server did not say.
 */
level: string, 
/**
 * True for the built-in roles; null when the server did not say.
 */
system_managed: boolean | null, description: string | null, };
