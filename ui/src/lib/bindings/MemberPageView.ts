// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";
import type { MemberView } from "./MemberView";

export type MemberPageView = { rows: Array<MemberView>, 
/**
 * How many members match the query in all.
 */
total: number, fetched_at: string | null, stale: boolean, last_error: string | null, error_code: ErrorCode | null, 
/**
 * The server refused the list to the user's role: not visible, which is not the same as empty.
 */
hidden: boolean, 
/**
 * Rows the last sync could not read and left out.
 */
skipped: number, };
