// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
import type { ErrorCode } from "./ErrorCode";
import type { FieldMessage } from "./FieldMessage";

/**
 * The error every command returns.
 */
export type IpcError = { code: ErrorCode, message: string, fields: Array<FieldMessage>, };
