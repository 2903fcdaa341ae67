// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { DiagnosticCheckView } from "./DiagnosticCheckView";

/**
 * The Diagnostics page: the doctor's report on the active account's server, and where the log is.
 */
export type DiagnosticsView = { server: string, 
/**
 * `ok`, `problems` or `unreachable`.
 */
status: string, checked_at: string, checks: Array<DiagnosticCheckView>, 
/**
 * The report as plain text, for "Copy report": no token, key, email or name in it.
 */
text: string, 
/**
 * The folder of the log files; null when there is none.
 */
log_dir: string | null, };
