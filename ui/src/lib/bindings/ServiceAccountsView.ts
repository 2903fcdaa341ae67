// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ServiceAccountView } from "./ServiceAccountView";

/**
 * The organization's service accounts, or why the server does not offer them.
 */
export type ServiceAccountsView = { 
/**
 * false when the server answered 404 or 403: it does not offer the list (to this user).
 */
offered: boolean, reason: string | null, items: Array<ServiceAccountView>, skipped: number, 
/**
 * What deactivating or deleting an account or a key leaves behind, said before either is sent.
 */
tokens_outlive: string, };
