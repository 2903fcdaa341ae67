// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { FindingView } from "./FindingView";
import type { ReviewOrgView } from "./ReviewOrgView";
import type { SectionCountView } from "./SectionCountView";

/**
 * The access review across every cached organization of every signed-in account.
 */
export type AccessReviewView = { stale_days: number, group: Array<string>, findings: Array<FindingView>, sections: Array<SectionCountView>, organizations: Array<ReviewOrgView>, accounts: number, 
/**
 * As of: the oldest of the organizations' times; null before any sync.
 */
fetched_at: string | null, stale: boolean, last_error: string | null, 
/**
 * What this offline review cannot tell, in words.
 */
notes: Array<string>, };
