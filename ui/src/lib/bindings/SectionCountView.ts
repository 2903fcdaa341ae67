// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A section's heading and how many findings it has.
 */
export type SectionCountView = { section: string, title: string, count: number, };
