// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";

/**
 * When a list was fetched, whether it is stale and why, and what the server kept from it.
 */
export type Freshness = { 
/**
 * When it was fetched from the server (RFC 3339); null when nothing was fetched yet.
 */
fetched_at: string | null, 
/**
 * Older than 15 minutes, or its last refresh failed.
 */
stale: boolean, 
/**
 * Why the last refresh failed, if it did.
 */
last_error: string | null, 
/**
 * What kind of failure `last_error` was (`offline` when the server could not be reached).
 */
error_code: ErrorCode | null, 
/**
 * The server refused the list to the user's role: not visible, which is not the same as empty.
 */
hidden: boolean, 
/**
 * Rows the last sync could not read and left out.
 */
skipped: number, };
