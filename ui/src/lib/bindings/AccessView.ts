// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What the signed-in user may do in one organization, as far as the app knows from their roles. The
 * server still decides: controls are greyed only when the roles are known to lack the right.
 */
export type AccessView = { org_id: string, 
/**
 * The user's roles in the organization (direct and through teams).
 */
my_roles: Array<string>, 
/**
 * Whether member and settings controls are offered.
 */
can_manage: boolean, 
/**
 * Whether billing fields are shown.
 */
can_see_billing: boolean, };
