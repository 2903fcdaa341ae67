// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * An organization the review looked at.
 */
export type ReviewOrgView = { account_id: string, account: string, org_id: string, org_name: string, fetched_at: string, stale: boolean, last_error: string | null, 
/**
 * Its member list is not visible to the account's role.
 */
members_hidden: boolean, };
