// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { HeldRole } from "./HeldRole";
import type { HeldRoleView } from "./HeldRoleView";

/**
 * Everything one member (or pending invitation) holds in the organization.
 */
export type MemberAccessView = { 
/**
 * The email.
 */
who: string, 
/**
 * `user` or `invitation`.
 */
kind: string, org_roles: Array<HeldRole>, teams: Array<string>, workspace_roles: Array<HeldRoleView>, };
