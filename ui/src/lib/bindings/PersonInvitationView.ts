// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * An invitation sent to the person, of any status.
 */
export type PersonInvitationView = { id: string, 
/**
 * `pending`, `accepted`, `declined`, `revoked`, `expired`.
 */
status: string, 
/**
 * Pending, and past when it expires.
 */
lapsed: boolean, 
/**
 * Every role it carries, with where it applies.
 */
roles: Array<string>, teams: Array<string>, inviter: string | null, created: string | null, expires: string | null, };
