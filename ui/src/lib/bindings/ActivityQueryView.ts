// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * Which log entries to read, newest first. Every field may be left out.
 */
export type ActivityQueryView = { 
/**
 * An organization's id or name, as logged.
 */
org?: string | null, 
/**
 * A kind of change (`role_change`, …); see `kinds` of the page.
 */
kind?: string | null, 
/**
 * True: only failures.
 */
failed_only?: boolean | null, 
/**
 * Part of the target's email, name or id.
 */
search?: string | null, offset?: number | null, 
/**
 * At most this many (default 50, at most 500).
 */
limit?: number | null, };
