// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { HomeCardView } from "./HomeCardView";

/**
 * Every cached organization of every signed-in account, as cards.
 */
export type HomeView = { 
/**
 * Ordered by name, then account.
 */
cards: Array<HomeCardView>, 
/**
 * The signed-in accounts looked at.
 */
accounts: number, 
/**
 * The oldest of the cards' times; null without any.
 */
fetched_at: string | null, 
/**
 * Some card is stale.
 */
stale: boolean, };
