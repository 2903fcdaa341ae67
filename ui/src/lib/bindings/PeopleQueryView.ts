// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * A search of people. Every field may be left out.
 */
export type PeopleQueryView = { 
/**
 * Case-insensitive part of a name, email or username; null or blank: everyone.
 */
search?: string | null, 
/**
 * People to skip (default 0).
 */
offset?: number | null, 
/**
 * At most this many people: default 50, at most 500.
 */
limit?: number | null, };
