// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { BlockedView } from "./BlockedView";
import type { StepView } from "./StepView";

/**
 * What offboarding a person would do.
 */
export type OffboardPlanView = { email: string, name: string | null, 
/**
 * Every write, in order: per organization, each workspace or project role, each team, the
 * membership, then each pending invitation.
 */
steps: Array<StepView>, blocked: Array<BlockedView>, 
/**
 * Organizations named on purpose where the cache shows nothing of the person.
 */
not_there: Array<string>, 
/**
 * How many organizations were looked at.
 */
organizations: number, fetched_at: string | null, stale: boolean, 
/**
 * What no step can reach, in plain sentences (tokens already issued, workspace-level keys).
 */
out_of_reach: Array<string>, };
