// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";
import type { OrgView } from "./OrgView";

/**
 * The organizations of the active account.
 */
export type OrgListView = { items: Array<OrgView>, 
/**
 * When the list was last fetched; null before the first sync.
 */
fetched_at: string | null, stale: boolean, last_error: string | null, error_code: ErrorCode | null, };
