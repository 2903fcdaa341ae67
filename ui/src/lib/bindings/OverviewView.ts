// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";
import type { Organization } from "./Organization";

/**
 * One organization's overview page.
 */
export type OverviewView = { org: Organization, 
/**
 * The organization-level roles the signed-in user holds.
 */
my_roles: Array<string>, 
/**
 * False only when the cached roles are built-in ones known to lack the right to invite, change
 * roles, remove members and edit settings (a Viewer, say): the window greys those controls out.
 * Otherwise they are on and the server decides (a custom role may allow them).
 */
can_manage: boolean, 
/**
 * Organization Admin or Billing Admin: the server shows them plan and subscription.
 */
can_see_billing: boolean, dashboard_url: string, billing_url: string, 
/**
 * Users and service accounts; null when the member list is not visible to the user's role.
 */
member_count: number | null, 
/**
 * Null when the workspace list is not visible to the user's role.
 */
workspace_count: number | null, fetched_at: string | null, stale: boolean, last_error: string | null, 
/**
 * What kind of failure `last_error` was (`offline` when the server could not be reached).
 */
error_code: ErrorCode | null, };
