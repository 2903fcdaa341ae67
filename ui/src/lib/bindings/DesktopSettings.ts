// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { TrayIconStyle } from "./TrayIconStyle";

/**
 * The desktop settings. Every field has a default, so a file from an older version still loads.
 */
export type DesktopSettings = { 
/**
 * Closing the window hides it to the tray instead of quitting (default on).
 */
close_to_tray: boolean, 
/**
 * Start when the user logs in, hidden in the tray (default off).
 */
start_at_login: boolean, tray_icon: TrayIconStyle, 
/**
 * Notify when a sync sees that someone accepted an invitation.
 */
notify_invitation_accepted: boolean, 
/**
 * Notify when a sync sees a workspace become `failed` or `available`.
 */
notify_workspace_status: boolean, 
/**
 * Notify when a session that cannot renew itself expires within a day.
 */
notify_session_expiring: boolean, 
/**
 * Check for updates once a day in the background (default on; only in builds with an update
 * server).
 */
check_updates_daily: boolean, };
