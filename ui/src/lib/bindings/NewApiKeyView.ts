// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ApiKeyView } from "./ApiKeyView";

/**
 * A key just created or rotated, with its value: shown once, in the dialog that asked for it.
 */
export type NewApiKeyView = { key: ApiKeyView, 
/**
 * The key itself. The server shows it this once; the app keeps no copy of it.
 */
value: string, };
