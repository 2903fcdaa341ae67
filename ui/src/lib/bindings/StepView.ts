// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { MemberKind } from "./MemberKind";
import type { StepActionView } from "./StepActionView";

/**
 * One write in one organization, through one account.
 */
export type StepView = { account_id: string, 
/**
 * The account's email (else name, else server).
 */
account: string, org_id: string, org_name: string, action: StepActionView, 
/**
 * The member's or invitation's id, the role's (a role step) or the team's (a team step): with
 * `workspace_id` and `project_id`, what the window sends back to run exactly this step.
 */
target_id: string | null, workspace_id: string | null, project_id: string | null, 
/**
 * A role or team step's person (their user id).
 */
member_id: string | null, 
/**
 * A role or team step's object in words: "Workspace Developer on research", "team platform".
 */
on: string | null, 
/**
 * `user` or `service_account` being removed, or an `invitation`.
 */
kind: MemberKind, 
/**
 * Who, in words: their email (else name, else id).
 */
label: string, 
/**
 * The roles it takes away.
 */
roles: Array<string>, 
/**
 * Something worth knowing before it runs ("keeps Organization Viewer through a team").
 */
note: string | null, };
