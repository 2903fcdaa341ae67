// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { StepActionView } from "./StepActionView";

/**
 * A step of the plan the window showed, as the window sends it back to run: what it acts on, by id.
 */
export type StepRefView = { org_id: string, action: StepActionView, target_id: string, 
/**
 * A role step's workspace and project, as the plan showed them (null otherwise).
 */
workspace_id: string | null, project_id: string | null, };
