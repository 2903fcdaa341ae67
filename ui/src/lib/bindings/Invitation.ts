// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { InvitationRole } from "./InvitationRole";
import type { InvitationTeam } from "./InvitationTeam";

/**
 * An invitation as every front end shows, prints and exports it.
 */
export type Invitation = { id: string, email: string, 
/**
 * `pending`, `accepted`, `declined`, `revoked`, `expired` (or `other`); null when the server does
 * not say (which counts as pending).
 */
status: string | null, 
/**
 * Pending, yet past when it expires.
 */
lapsed: boolean, 
/**
 * Every role it carries, the organization role first, workspace roles with their workspace.
 */
roles: Array<InvitationRole>, 
/**
 * The teams it makes its person join.
 */
teams: Array<InvitationTeam>, 
/**
 * Who sent it: their email, else name, else username.
 */
inviter: string | null, created: string | null, expires: string | null, 
/**
 * The organization role's name, else its id.
 */
role: string | null, role_id: string | null, 
/**
 * The organization role's name, when the server says.
 */
role_name: string | null, };
