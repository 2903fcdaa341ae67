//! The rows of the IPC table for an organization's service accounts and their API keys, kept beside the
//! table in [`crate::ipc`]: [`ipc_service_accounts_commands!`] takes the callback and the table's own
//! rows, appends these, and hands them on to [`ipc_offboard_commands!`](crate::ipc_offboard_commands).
//! The rows follow the table's form (see [`crate::ipc`]).
//!
//! A key's value crosses to the window once, as the result of `create_api_key` or `rotate_api_key`;
//! it is in no event, log, cache or store. Each write announces `members` (a service account is a
//! row of the member list, and the Service accounts page and a key list read again on it).

/// Calls `ipc_offboard_commands! { $callback { $rows <the rows below> } }`.
#[doc(hidden)]
#[macro_export]
macro_rules! ipc_service_accounts_commands {
    ($callback:ident { $($rows:tt)* }) => {
        $crate::ipc_offboard_commands! { $callback {
            $($rows)*

            // ----- service accounts and their API keys (read live; `service_account` is an id or a name) -----

            /// The organization's service accounts where the server offers them, with whether each is
            /// active, its last login, its number of keys and its roles.
            async fn list_service_accounts(&self, org: Option<String>) -> $crate::views::ServiceAccountsView {
                $crate::service_accounts::list(self, org).await
            }

            /// What creating a service account named `username` may do beyond making it (adopting a
            /// workspace-level account of that name), to show before it is sent.
            async fn service_account_adoption_note(&self, username: String) -> String {
                Ok($crate::service_accounts::adoption_note(self, &username))
            }

            async fn create_service_account(&self, org: Option<String>, username: String, description: Option<String>) -> $crate::views::ServiceAccountView {
                $crate::service_accounts::create(self, org, username, description).await
            }

            /// Activates or deactivates a service account (tokens already issued stay valid for up to an
            /// hour).
            async fn set_service_account_active(&self, org: Option<String>, service_account: String, active: bool) -> $crate::views::ServiceAccountView {
                $crate::service_accounts::set_active(self, org, service_account, active).await
            }

            /// Deletes a service account and its keys (tokens already issued stay valid for up to an
            /// hour).
            async fn delete_service_account(&self, org: Option<String>, service_account: String) -> () {
                $crate::service_accounts::delete(self, org, service_account).await
            }

            /// A service account's API keys, with their last use and expiry (never their values).
            async fn list_api_keys(&self, org: Option<String>, service_account: String) -> Vec<$crate::views::ApiKeyView> {
                $crate::service_accounts::api_keys(self, org, service_account).await
            }

            /// Creates a key; the result holds its value, shown this once and kept nowhere by the app.
            /// `expires_in_minutes` null: it does not expire.
            async fn create_api_key(&self, org: Option<String>, service_account: String, name: String, description: Option<String>, expires_in_minutes: Option<u32>) -> $crate::views::NewApiKeyView {
                $crate::service_accounts::create_key(self, org, service_account, name, description, expires_in_minutes).await
            }

            /// Rotates a key (by id or name): the result holds the new value, shown this once. The old
            /// value keeps working for `retain_minutes` (null or 0: it stops at once).
            async fn rotate_api_key(&self, org: Option<String>, service_account: String, key: String, retain_minutes: Option<u32>) -> $crate::views::NewApiKeyView {
                $crate::service_accounts::rotate_key(self, org, service_account, key, retain_minutes).await
            }

            async fn set_api_key_active(&self, org: Option<String>, service_account: String, key: String, active: bool) -> $crate::views::ApiKeyView {
                $crate::service_accounts::set_key_active(self, org, service_account, key, active).await
            }

            async fn delete_api_key(&self, org: Option<String>, service_account: String, key: String) -> () {
                $crate::service_accounts::delete_key(self, org, service_account, key).await
            }
        } }
    };
}
