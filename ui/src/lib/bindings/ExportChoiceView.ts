// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What to export, in what format, from which organizations.
 */
export type ExportChoiceView = { 
/**
 * `members`, `invitations`, `people` or `access-review`.
 */
kind: string, 
/**
 * `csv` or `json`.
 */
format: string, 
/**
 * Every cached organization of every signed-in account; false: one organization.
 */
all_orgs: boolean, 
/**
 * The organization (id or name) of the active account; null: the active one.
 */
org?: string | null, 
/**
 * For the access review: its stale days and group.
 */
stale_days?: number | null, group?: Array<string> | null, };
