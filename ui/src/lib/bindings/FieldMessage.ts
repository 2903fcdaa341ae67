// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A message about one input field (for example one email of several).
 */
export type FieldMessage = { field: string, message: string, };
