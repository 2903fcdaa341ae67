// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What to review. Every field may be left out.
 */
export type ReviewQueryView = { 
/**
 * Pending invitations older than this many days are stale (default 14).
 */
stale_days?: number | null, 
/**
 * Organizations (ids or names) compared for "in only one of the group"; none or empty: that
 * section is left out. One alone is `invalid_input`.
 */
group?: Array<string> | null, };
