//! The rows of the IPC table for the access review, the activity log (with undo) and exports from the
//! window, kept beside the table in [`crate::ipc`]: [`ipc_review_commands!`] takes the callback and
//! the table's own rows, appends these and hands them on to [`crate::ipc_people_commands!`]. The rows
//! follow the table's form (see [`crate::ipc`]).

/// Calls `ipc_people_commands! { $callback { $rows <the rows below> } }`.
#[doc(hidden)]
#[macro_export]
macro_rules! ipc_review_commands {
    ($callback:ident { $($rows:tt)* }) => {
        $crate::ipc_people_commands! { $callback {
            $($rows)*

            // ----- access review, activity, exports (every signed-in account) -----

            /// The access review of every cached organization of every signed-in account, from the
            /// cache; a group of one organization, or one not cached, is `invalid_input`.
            async fn access_review(&self, query: $crate::views::ReviewQueryView) -> $crate::views::AccessReviewView {
                $crate::review::access_review(self, query)
            }

            /// A page of the activity log, newest first.
            async fn activity(&self, query: $crate::views::ActivityQueryView) -> $crate::views::ActivityPageView {
                $crate::review::activity(self, query)
            }

            /// What undoing a logged change would do, against its organization refreshed from the
            /// server now (nothing is sent); `conflict` when the target changed since the entry.
            async fn undo_preview(&self, entry_id: u32) -> $crate::views::UndoPreviewView {
                $crate::review::undo_preview(self, entry_id).await
            }

            /// Undoes a logged change (the entry is then marked undone); refused with `conflict` or
            /// `invalid_input` when it cannot be, saying why. `force`: the user confirmed undoing an
            /// entry older than 7 days.
            async fn undo(&self, entry_id: u32, force: bool) -> $crate::views::UndoOutcomeView {
                $crate::review::undo(self, entry_id, force).await
            }

            /// Asks where to save an export in the desktop's native save dialog (opened by the app,
            /// suggesting the Downloads folder and a name like `acme-ml-members-2026-12-03.csv`; it asks
            /// before replacing a file), then writes the export there whole. The window never sends a
            /// path. A cancelled dialog resolves with `saved` null.
            async fn save_export(&self, choice: $crate::views::ExportChoiceView) -> $crate::views::ExportOutcomeView {
                $crate::review::save_export(self, choice).await
            }

            /// Opens the folder of a saved export (`path`, the file) in the file manager; resolves to
            /// the folder. Only a file an export was saved to in this run is accepted, else
            /// `invalid_input`.
            async fn open_export_folder(&self, path: String) -> String {
                $crate::review::open_export_folder(self, &path)
            }
        } }
    };
}
