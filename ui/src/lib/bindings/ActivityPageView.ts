// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ActivityEntryView } from "./ActivityEntryView";

/**
 * A page of the log, and the kinds one may filter by.
 */
export type ActivityPageView = { entries: Array<ActivityEntryView>, total: number, offset: number, kinds: Array<string>, };
