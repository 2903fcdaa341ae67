// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { AccessEntryView } from "./AccessEntryView";
import type { Role } from "./Role";

/**
 * Who holds a role, and where.
 */
export type RoleHoldersView = { role: Role, holders: Array<AccessEntryView>, };
