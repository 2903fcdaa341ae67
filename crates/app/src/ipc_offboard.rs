//! The rows of the IPC table for offboarding a person from the window, kept beside the table in
//! [`crate::ipc`]: [`ipc_offboard_commands!`] takes the callback and the table's own rows, appends
//! these, and hands them on to [`ipc_review_commands!`](crate::ipc_review_commands) (which appends its
//! own and calls the callback). The rows follow the table's form (see [`crate::ipc`]).

/// Calls `ipc_review_commands! { $callback { $rows <the rows below> } }`.
#[doc(hidden)]
#[macro_export]
macro_rules! ipc_offboard_commands {
    ($callback:ident { $($rows:tt)* }) => {
        $crate::ipc_review_commands! { $callback {
            $($rows)*

            // ----- offboarding a person (across organizations and signed-in accounts) -----

            /// What offboarding the person would do: every workspace and project role to revoke and
            /// every team to leave (read from the server), every membership to remove and every
            /// pending invitation to revoke (from the cache), what cannot be done and why, and what is
            /// out of the app's reach. `orgs` (ids or names) narrows it; empty: every cached
            /// organization.
            async fn offboard_plan(&self, email: String, orgs: Vec<String>) -> $crate::views::OffboardPlanView {
                $crate::offboard::plan(self, email, orgs).await
            }

            /// Carries out exactly the steps the window showed and the user kept (by id, never "all"),
            /// one at a time; a step the plan no longer has is refused as a `conflict` before anything
            /// is sent. Each step's result arrives as an `offboard_progress` event, then the report
            /// (nothing is retried). One run at a time. `overrides`: what the user confirmed on
            /// purpose (removing their own account's user, an organization's last admin).
            async fn offboard_run(&self, email: String, steps: Vec<$crate::views::StepRefView>, overrides: $crate::views::OverridesView) -> $crate::views::OffboardReportView {
                $crate::offboard::run(self, email, steps, overrides).await
            }

            /// Stops the running offboarding before its next step (the rest is reported not
            /// attempted); false when none is running.
            async fn cancel_offboard(&self) -> bool {
                $crate::offboard::cancel(self)
            }
        } }
    };
}
