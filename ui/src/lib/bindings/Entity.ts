// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

export type Entity = "organizations" | "organization" | "members" | "invitations" | "workspaces" | "teams" | "roles";
