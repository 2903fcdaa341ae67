// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { AuthMethod } from "./AuthMethod";

/**
 * One user on one server.
 */
export type AccountView = { id: string, base_url: string, email: string | null, name: string | null, signed_in: boolean, active: boolean, auth_method: AuthMethod, };
