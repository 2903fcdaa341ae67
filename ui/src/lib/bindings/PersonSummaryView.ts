// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { MembershipView } from "./MembershipView";

/**
 * One person of the people list: who they are and every organization they are in.
 */
export type PersonSummaryView = { 
/**
 * Who they are across organizations: the email lower-cased, or `id:<id>` without one.
 */
key: string, email: string | null, name: string | null, username: string | null, memberships: Array<MembershipView>, };
