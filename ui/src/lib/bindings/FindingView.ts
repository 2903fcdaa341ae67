// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { MemberKind } from "./MemberKind";

/**
 * One finding of the review.
 */
export type FindingView = { 
/**
 * `admin`, `service_account_admin`, `custom_role`, `team_only`, `inactive`, `stale_invitation`,
 * `expired_invitation` or `only_in_one`.
 */
section: string, account_id: string, account: string, org_id: string, org_name: string, 
/**
 * The email lower-cased, else `id:<id>`.
 */
person: string, name: string | null, email: string | null, kind: MemberKind, roles: Array<string>, via_team: boolean, 
/**
 * What was found, in words.
 */
detail: string, created: string | null, expires: string | null, fetched_at: string, stale: boolean, };
