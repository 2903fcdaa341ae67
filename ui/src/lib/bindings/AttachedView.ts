// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { IpcError } from "./IpcError";

/**
 * One workspace role or team attached to an invitation.
 */
export type AttachedView = { 
/**
 * "Workspace Developer on acme-prod", "team platform".
 */
label: string, ok: boolean, error: IpcError | null, };
