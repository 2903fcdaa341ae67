// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { StepActionView } from "./StepActionView";

/**
 * One thing not done, and why.
 */
export type RemainingView = { org_id: string, org_name: string, account: string | null, action: StepActionView | null, label: string | null, 
/**
 * A role or team step's object in words.
 */
on: string | null, 
/**
 * `failed: …`, `not attempted: …` or `cannot: …`.
 */
why: string, };
