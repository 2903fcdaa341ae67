// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { RemainingView } from "./RemainingView";
import type { StepResultView } from "./StepResultView";

/**
 * What a run did: every step with how it went, and exactly what remains.
 */
export type OffboardReportView = { results: Array<StepResultView>, done: number, failed: number, not_attempted: number, remaining: Array<RemainingView>, 
/**
 * Organizations whose cache could not be refreshed afterwards.
 */
refresh_failures: Array<string>, 
/**
 * What no step could reach, in plain sentences.
 */
out_of_reach: Array<string>, };
