//! Builds the Tauri context. The web UI is embedded from `../ui/dist`; when it has not been built yet a
//! placeholder page is written there, so `cargo build` and `cargo test` always work (the real UI
//! replaces it at the next `scripts/build-ui.sh`).

use std::path::Path;

const PLACEHOLDER: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>ZenML Pro Desktop</title></head>\n<body>\n<h1>ZenML Pro Desktop</h1>\n<p>The web UI has not been built yet: run <code>scripts/build-ui.sh</code>, then build the app again.</p>\n</body>\n</html>\n";

fn main() {
    let dist = Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        std::fs::create_dir_all(dist).expect("create ../ui/dist");
        std::fs::write(dist.join("index.html"), PLACEHOLDER).expect("write the placeholder page");
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
