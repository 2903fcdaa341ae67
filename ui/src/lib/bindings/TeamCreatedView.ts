// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { Team } from "./Team";
import type { TeamChangeView } from "./TeamChangeView";

/**
 * A team created, and what happened to each initial member.
 */
export type TeamCreatedView = { team: Team, members: Array<TeamChangeView>, };
