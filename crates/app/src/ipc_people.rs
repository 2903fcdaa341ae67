//! The rows of the IPC table for the pages across organizations (People, a person, Home), kept
//! beside the table in [`crate::ipc`] so that it stays one screen of commands: [`ipc_people_commands!`]
//! takes the callback and the table's own rows, and calls the callback with these appended. The rows
//! follow the table's form (see [`crate::ipc`]).

/// Calls `$callback! { $rows <the rows below> }`.
#[doc(hidden)]
#[macro_export]
macro_rules! ipc_people_commands {
    ($callback:ident { $($rows:tt)* }) => {
        $callback! {
            $($rows)*

            // ----- across organizations (from the cache; every signed-in account) -----

            /// A page of people (users, service accounts, pending invitations) across every cached
            /// organization of every signed-in account, searched by name, email or username.
            async fn people(&self, query: $crate::views::PeopleQueryView) -> $crate::views::PeoplePageView {
                $crate::people::people(self, query)
            }

            /// One person's organizations, roles, invitations and when each organization was fetched;
            /// `not_found` when the cache does not know the email.
            async fn person(&self, email: String) -> $crate::views::PersonView {
                $crate::people::person(self, email)
            }

            /// Every cached organization of every signed-in account, as Home's cards.
            async fn home(&self) -> $crate::views::HomeView {
                $crate::people::home(self)
            }

            /// Opens an organization (id or name) of any signed-in account: switches to the account
            /// when it is not the active one, then to the organization.
            async fn open_organization(&self, account_id: String, org: String) -> $crate::views::Organization {
                $crate::people::open_organization(self, account_id, org).await
            }
        }
    };
}
