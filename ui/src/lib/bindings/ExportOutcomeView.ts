// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ExportSavedView } from "./ExportSavedView";

/**
 * How a save ended: what was written, or nothing when the save dialog was cancelled.
 */
export type ExportOutcomeView = { 
/**
 * Null: the save dialog was cancelled and nothing was written.
 */
saved: ExportSavedView | null, };
