// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { PersonSummaryView } from "./PersonSummaryView";

/**
 * A page of people, ordered by email, with how many match and how fresh the search is.
 */
export type PeoplePageView = { people: Array<PersonSummaryView>, total: number, offset: number, 
/**
 * The signed-in accounts and cached organizations searched.
 */
accounts: number, organizations: number, 
/**
 * When the least recently fetched member list searched was fetched; null before any sync.
 */
fetched_at: string | null, stale: boolean, last_error: string | null, };
