// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { Team } from "./Team";
import type { TeamMemberView } from "./TeamMemberView";

/**
 * A team's page: the team and its members as the server lists them now.
 */
export type TeamMembersView = { team: Team, members: Array<TeamMemberView>, 
/**
 * Rows that could not be read and were left out.
 */
skipped: number, };
