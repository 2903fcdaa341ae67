// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type RoleView = { id: string, name: string, description: string | null, 
/**
 * `organization`, `workspace` or `project` (or `other`); `unknown` when the server did not say.
 */
level: string, system_managed: boolean, };
