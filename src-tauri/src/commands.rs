//! The Tauri commands, generated from the table in `zenml_pro_app::ipc`: each one an adapter to the
//! [`App`] method of the same name, and [`handler`] registers them all. Arguments arrive camelCased
//! from the webview (`onlyPending` → `only_pending`); the typed wrappers are generated into
//! `ui/src/lib/bindings/commands.ts` from the same table. Nothing here is written per command.

use tauri::{Runtime, State};
use zenml_pro_app::{App, IpcError};

/// Makes the adapters and the handler from the rows of `zenml_pro_app::ipc_commands!` (their bodies
/// are the `App` methods', so they are not used here).
macro_rules! tauri_commands {
    ($(
        $(#[doc = $doc:literal])*
        async fn $name:ident(&$this:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name(app: State<'_, App> $(, $arg: $ty)*) -> Result<$ret, IpcError> {
                app.$name($($arg),*).await
            }
        )*

        /// The invoke handler with every command of the table.
        pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

zenml_pro_app::ipc_commands!(tauri_commands);
