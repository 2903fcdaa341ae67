// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { Account } from "./Account";

/**
 * Everything the UI needs at start.
 */
export type AppStateView = { accounts: Array<Account>, 
/**
 * Id of the account commands act on.
 */
active_account: string | null, 
/**
 * Demo mode: the app was started with `--demo`, or the in-app demo server is running.
 */
demo: boolean, 
/**
 * Something to tell the user once (the offline cache was rebuilt).
 */
cache_notice: string | null, version: string, 
/**
 * The API URL the sign-in screen proposes (`ZENML_PRO_API_URL`).
 */
default_api_url: string, 
/**
 * Whether the last sync reached the server (`true` before any sync).
 */
online: boolean, };
