// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ActivityEntryView } from "./ActivityEntryView";

/**
 * What an undo would do (`undo_preview`), checked against the server.
 */
export type UndoPreviewView = { entry: ActivityEntryView, 
/**
 * In words: what will change.
 */
will: string, 
/**
 * Older than 7 days: the window asks again before undoing it (`undo` with `force`).
 */
needs_force: boolean, age_days: number, };
