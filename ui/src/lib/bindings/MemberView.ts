// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { MemberKind } from "./MemberKind";
import type { RoleChipView } from "./RoleChipView";

/**
 * One row of the members list.
 */
export type MemberView = { 
/**
 * Unique within the list: `user:<id>`, `team:<id>` or `invitation:<id>`.
 */
key: string, kind: MemberKind, id: string, name: string, email: string | null, roles: Array<RoleChipView>, };
