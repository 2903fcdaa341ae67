// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

/**
 * Which tray icon to show: the light mark suits dark panels, the dark mark light ones.
 */
export type TrayIconStyle = "light" | "dark";
