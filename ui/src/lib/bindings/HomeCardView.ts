// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";
import type { Organization } from "./Organization";
import type { WorkspaceCountView } from "./WorkspaceCountView";
import type { WorkspaceKindCountView } from "./WorkspaceKindCountView";

/**
 * One organization of one account, summed up.
 */
export type HomeCardView = { account_id: string, 
/**
 * The account's email (else name, else server).
 */
account: string, 
/**
 * The organization (`active`: its account's active one; `plan` null when the role may not see it).
 */
org: Organization, 
/**
 * The organization open in the window: the active one of the active account.
 */
current: boolean, 
/**
 * Users and service accounts; null when the member list is not visible to the user's role.
 */
member_count: number | null, 
/**
 * Invitations waiting for an answer; null when not visible.
 */
pending_invitations: number | null, 
/**
 * Workspaces per status; null when the workspace list is not visible.
 */
workspaces: Array<WorkspaceCountView> | null, 
/**
 * Workspaces per kind, ZenML's first; null when the workspace list is not visible.
 */
workspace_kinds: Array<WorkspaceKindCountView> | null, 
/**
 * When the oldest of what the card shows was fetched.
 */
fetched_at: string, stale: boolean, last_error: string | null, 
/**
 * What kind of failure `last_error` was (`offline` when the server could not be reached).
 */
error_code: ErrorCode | null, };
