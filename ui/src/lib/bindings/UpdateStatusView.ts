// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { UpdateState } from "./UpdateState";

/**
 * Updates for the window: whether this build has them at all, and where they are.
 */
export type UpdateStatusView = { 
/**
 * false: this build has no update server; show no update controls.
 */
configured: boolean, 
/**
 * The running version ("" when not configured).
 */
current_version: string, state: UpdateState, 
/**
 * When updates were last checked (RFC 3339), by hand or in the background.
 */
last_checked: string | null, 
/**
 * "Later" was pressed for the update on offer: the banner stays hidden in this run (Settings and
 * the tray still offer it).
 */
dismissed: boolean, };
