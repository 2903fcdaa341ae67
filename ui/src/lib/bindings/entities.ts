// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { Entity } from "./Entity";

/** Every kind of data a `data_changed` event can name. */
export const ENTITIES: readonly Entity[] = [
  "organizations",
  "organization",
  "members",
  "invitations",
  "workspaces",
  "teams",
  "roles",
];
