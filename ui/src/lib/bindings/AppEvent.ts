// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { DesktopSettings } from "./DesktopSettings";
import type { Entity } from "./Entity";
import type { NotificationKind } from "./NotificationKind";
import type { StepResultView } from "./StepResultView";
import type { SyncReportView } from "./SyncReportView";
import type { SyncStage } from "./SyncStage";
import type { UpdateStatusView } from "./UpdateStatusView";

/**
 * Everything the UI is told without asking. Tagged by `kind`.
 */
export type AppEvent = { "kind": "sync_progress", stage: SyncStage, done: number, total: number, organization: string | null, } | { "kind": "sync_finished", report: SyncReportView, } | { "kind": "offboard_progress", index: number, total: number, result: StepResultView, } | { "kind": "data_changed", account_id: string, org_id: string | null, entities: Array<Entity>, } | { "kind": "active_org_changed", account_id: string, org_id: string, } | { "kind": "session_changed", } | { "kind": "connectivity", online: boolean, as_of: string | null, } | { "kind": "notification", about: NotificationKind, title: string, body: string, account_id: string, org_id: string | null, } | { "kind": "notice", message: string, } | { "kind": "settings_changed", settings: DesktopSettings, } | { "kind": "update_status", status: UpdateStatusView, };
