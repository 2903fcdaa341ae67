// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ActivityEntryView } from "./ActivityEntryView";

/**
 * What an undo did.
 */
export type UndoOutcomeView = { 
/**
 * The entry undone, now marked undone.
 */
undone: ActivityEntryView, 
/**
 * The write that reversed it.
 */
by: ActivityEntryView | null, 
/**
 * In words: what was put back.
 */
message: string, };
