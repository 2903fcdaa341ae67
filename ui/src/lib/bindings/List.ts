// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { Freshness } from "./Freshness";

/**
 * Records and how fresh they are.
 */
export type List<T> = { items: Array<T>, freshness: Freshness, };
