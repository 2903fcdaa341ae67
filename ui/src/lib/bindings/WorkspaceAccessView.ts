// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { AccessEntryView } from "./AccessEntryView";
import type { Workspace } from "./Workspace";

/**
 * A workspace's access page: who holds which role on it, read from the server.
 */
export type WorkspaceAccessView = { workspace: Workspace, entries: Array<AccessEntryView>, };
