// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { AttachedView } from "./AttachedView";
import type { Invitation } from "./Invitation";
import type { IpcError } from "./IpcError";

/**
 * What happened to one email of an invitation batch.
 */
export type InviteOutcomeView = { email: string, ok: boolean, invitation: Invitation | null, error: IpcError | null, 
/**
 * The workspace roles and teams attached after the invitation was sent, each with whether it took.
 */
attached: Array<AttachedView>, };
