// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";
import type { RoleView } from "./RoleView";

/**
 * An organization's roles.
 */
export type RoleListView = { items: Array<RoleView>, fetched_at: string | null, stale: boolean, last_error: string | null, error_code: ErrorCode | null, 
/**
 * The server refused the list to the user's role: not visible, not empty.
 */
hidden: boolean, 
/**
 * Rows the last sync could not read and left out.
 */
skipped: number, };
