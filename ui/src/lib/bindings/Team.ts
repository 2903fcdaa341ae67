// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A team as every front end shows it.
 */
export type Team = { id: string, name: string, member_count: number | null, description: string | null, };
