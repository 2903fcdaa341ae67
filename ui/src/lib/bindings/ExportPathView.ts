// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * Where an export goes by default.
 */
export type ExportPathView = { 
/**
 * The Downloads folder (else the home folder, else the working folder) joined with the name.
 */
path: string, 
/**
 * Like `acme-ml-members-2026-12-03.csv`.
 */
file_name: string, 
/**
 * A file is there already (saving replaces it only when confirmed).
 */
exists: boolean, };
