// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * What a save wrote.
 */
export type ExportSavedView = { path: string, 
/**
 * The rows of the export (a CSV file's records after its header; the same count for JSON).
 */
rows: number, bytes: number, 
/**
 * A file that was there was replaced.
 */
replaced: boolean, };
