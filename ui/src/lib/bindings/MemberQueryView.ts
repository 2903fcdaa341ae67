// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { MemberKind } from "./MemberKind";

/**
 * A filtered page of members. Every field may be left out.
 */
export type MemberQueryView = { 
/**
 * Case-insensitive part of the name, email or username.
 */
search?: string | null, 
/**
 * Only members holding this role (by name; directly or through a team).
 */
role?: string | null, kind?: MemberKind | null, 
/**
 * Rows to skip (default 0).
 */
offset?: number | null, 
/**
 * At most this many rows: default 100, at most 1000.
 */
limit?: number | null, };
