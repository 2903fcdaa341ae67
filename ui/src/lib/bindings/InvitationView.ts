// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type InvitationView = { id: string, email: string, 
/**
 * `pending`, `accepted`, `declined`, `revoked`, `expired` (or `other`); null when unknown.
 */
status: string | null, role_id: string | null, role_name: string | null, 
/**
 * Every role it carries, with where it applies ("Workspace Developer on acme-prod"): its
 * organization role first.
 */
roles: Array<string>, 
/**
 * The teams it joins.
 */
teams: Array<string>, 
/**
 * Name (else email) of who sent it.
 */
inviter: string | null, created: string | null, expires: string | null, };
