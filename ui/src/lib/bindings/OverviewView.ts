// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { OrgView } from "./OrgView";

/**
 * One organization's overview page.
 */
export type OverviewView = { org: OrgView, 
/**
 * The organization-level roles the signed-in user holds.
 */
my_roles: Array<string>, 
/**
 * Organization Admin or Manager: may invite, change roles, remove and edit settings.
 */
can_manage: boolean, 
/**
 * Organization Admin or Billing Admin: the server shows them plan and subscription.
 */
can_see_billing: boolean, dashboard_url: string, billing_url: string, 
/**
 * Users and service accounts.
 */
member_count: number, workspace_count: number, fetched_at: string | null, stale: boolean, last_error: string | null, };
