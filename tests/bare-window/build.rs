//! Builds the Tauri context: the static page in `dist/` is embedded as the frontend.

fn main() {
    tauri_build::build()
}
