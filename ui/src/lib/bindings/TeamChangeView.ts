// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { IpcError } from "./IpcError";

/**
 * What one email of a team change came to.
 */
export type TeamChangeView = { email: string, 
/**
 * Done, or already so.
 */
ok: boolean, 
/**
 * It was already so (already in the team, or not in it).
 */
unchanged: boolean, error: IpcError | null, };
