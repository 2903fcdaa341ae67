// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * One logged change.
 */
export type ActivityEntryView = { 
/**
 * What `undo` names it by.
 */
id: number, at: string, account_id: string, account: string, org_id: string, org: string, 
/**
 * Its name (`role_change`, …) and in words ("role change").
 */
kind: string, what: string, target: string, detail: string | null, ok: boolean, error_code: string | null, 
/**
 * The failure, in plain words.
 */
error: string | null, 
/**
 * What it replaced, in words (empty: nothing recorded).
 */
replaced: Array<string>, 
/**
 * Undo can reverse it now.
 */
undoable: boolean, undo_of: number | null, undone_at: string | null, undone_by: number | null, };
