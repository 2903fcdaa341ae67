// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What a notification is about.
 */
export type NotificationKind = "invitation_accepted" | "workspace_failed" | "workspace_available" | "workspace_deactivated" | "session_expiring";
