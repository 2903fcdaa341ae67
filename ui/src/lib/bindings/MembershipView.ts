// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { HeldRole } from "./HeldRole";
import type { MemberKind } from "./MemberKind";

/**
 * A person in one organization of one account, as the people list shows it.
 */
export type MembershipView = { account_id: string, 
/**
 * The account's email (else name, else server).
 */
account: string, org_id: string, org_name: string, 
/**
 * `user`, `service_account` or `invitation`.
 */
kind: MemberKind, roles: Array<HeldRole>, 
/**
 * An invitation's status; null for a member.
 */
invitation_status: string | null, fetched_at: string, stale: boolean, };
