// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { Freshness } from "./Freshness";
import type { Member } from "./Member";

export type MemberPageView = { items: Array<Member>, 
/**
 * How many members match the query in all.
 */
total: number, freshness: Freshness, };
