// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { AuthMethod } from "./AuthMethod";

/**
 * An account as every front end shows it. Never holds a token or key.
 */
export type Account = { id: string, base_url: string, email: string | null, name: string | null, signed_in: boolean, 
/**
 * Whether commands act on this account by default.
 */
active: boolean, auth_method: AuthMethod, 
/**
 * How lists and menus name it: its email, else its user's name, else its server's URL.
 */
label: string, };
