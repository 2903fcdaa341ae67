// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { StepActionView } from "./StepActionView";

/**
 * Something that cannot be done in one organization, and why.
 */
export type BlockedView = { org_id: string, org_name: string, account: string | null, 
/**
 * What cannot be done; null for the whole organization (a member list not visible, say).
 */
action: StepActionView | null, label: string | null, roles: Array<string>, reason: string, };
