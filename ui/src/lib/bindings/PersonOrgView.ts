// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { HeldRole } from "./HeldRole";
import type { MemberKind } from "./MemberKind";
import type { PersonInvitationView } from "./PersonInvitationView";

/**
 * The person in one organization of one account.
 */
export type PersonOrgView = { account_id: string, account: string, org_id: string, org_name: string, 
/**
 * `user` or `service_account` when a member; else `invitation`.
 */
kind: MemberKind, 
/**
 * Null when only invited.
 */
member_id: string | null, 
/**
 * Organization roles, each marked when held through a team.
 */
roles: Array<HeldRole>, 
/**
 * A pending invitation's teams; null for a member (which teams they are in is not cached).
 */
teams: Array<string> | null, invitations: Array<PersonInvitationView>, 
/**
 * When what is shown of this organization was fetched.
 */
fetched_at: string, stale: boolean, last_error: string | null, };
