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

            /// Undoes a logged change (the entry is then marked undone); refused with `conflict` or
            /// `invalid_input` when it cannot be, saying why.
            async fn undo(&self, entry_id: u32) -> $crate::views::UndoOutcomeView {
                $crate::review::undo(self, entry_id).await
            }

            /// Where an export goes by default (the Downloads folder, else home) and its file name.
            async fn export_default_path(&self, choice: $crate::views::ExportChoiceView) -> $crate::views::ExportPathView {
                $crate::review::export_default_path(self, choice)
            }

            /// Writes an export to `path` whole (never a partial file); a file there is replaced only
            /// with `replace` (the user confirmed), else `conflict`.
            async fn save_export(&self, choice: $crate::views::ExportChoiceView, path: String, replace: bool) -> $crate::views::ExportSavedView {
                $crate::review::save_export(self, choice, path, replace)
            }

            /// Opens the folder that holds a saved export (`path`, the file) in the file manager;
            /// resolves to the folder. Only a folder that exists is opened.
            async fn open_export_folder(&self, path: String) -> String {
                let dir = std::path::Path::new(path.trim()).parent().filter(|d| d.is_dir()).ok_or_else(|| {
                    $crate::error::IpcError::invalid(format!("{path} is not in a folder of this computer"))
                })?;
                self.opener.open_path(dir).map_err(|e| {
                    $crate::error::IpcError::internal(format!("could not open the folder: {e}"))
                })?;
                Ok(dir.display().to_string())
            }
        } }
    };
}
