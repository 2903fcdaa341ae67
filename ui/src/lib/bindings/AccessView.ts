// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type AccessView = { org_id: string, my_roles: Array<string>, can_manage: boolean, can_see_billing: boolean, };
