// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * How a step went.
 */
export type StepStatusView = "done" | "failed" | "not_attempted";
