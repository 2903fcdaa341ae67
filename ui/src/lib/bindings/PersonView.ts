// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { PersonOrgView } from "./PersonOrgView";

/**
 * One person's page: each organization of each account they are in, from the cache.
 */
export type PersonView = { key: string, email: string | null, name: string | null, username: string | null, organizations: Array<PersonOrgView>, fetched_at: string | null, stale: boolean, last_error: string | null, 
/**
 * What this offline page leaves out, and where to find it, in words for the window.
 */
not_cached: Array<string>, };
