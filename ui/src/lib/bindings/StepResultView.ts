// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { IpcError } from "./IpcError";
import type { StepStatusView } from "./StepStatusView";
import type { StepView } from "./StepView";

/**
 * One step with how it went.
 */
export type StepResultView = { step: StepView, status: StepStatusView, 
/**
 * Why it failed, in plain words.
 */
error: IpcError | null, 
/**
 * What else there is to say (why it was not attempted).
 */
detail: string | null, };
