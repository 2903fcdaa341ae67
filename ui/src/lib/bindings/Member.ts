// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { HeldRole } from "./HeldRole";
import type { MemberKind } from "./MemberKind";

/**
 * One row of an organization's members, as every front end shows, prints and exports it.
 */
export type Member = { 
/**
 * `user`, `service_account`, `team` or `invitation`.
 */
kind: MemberKind, 
/**
 * The user's, team's or invitation's id.
 */
id: string, 
/**
 * The user's name (else username) or the team's name; null for an invitation.
 */
name: string | null, email: string | null, username: string | null, 
/**
 * The names of the roles held, directly or through a team, at any level, each once.
 */
roles: Array<string>, 
/**
 * Every role held, with its id and whether it comes through a team.
 */
held_roles: Array<HeldRole>, 
/**
 * How the member is named in lists: the name, else username, else email, else id (a team's
 * name; an invitation's email).
 */
label: string, 
/**
 * Unique within the organization's list: `user:<id>`, `team:<id>` or `invitation:<id>`.
 */
key: string, 
/**
 * False for a deactivated account; null for a team or an invitation, or when the server does
 * not say.
 */
active: boolean | null, };
