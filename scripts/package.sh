#!/usr/bin/env bash
# Builds the packages of ZenML Pro Desktop, a .deb and an .rpm, from Tauri's own bundle settings
# (src-tauri/tauri.conf.json: names, the .desktop template with the zenml-pro-desktop:// link scheme,
# the files below): the app, `zpro`, zpro's bash/zsh/fish completions and the manual pages of both,
# generated from the command lines' definitions. Only builds; installs what the build needs first.
#
#   bash scripts/package.sh
#   sudo apt install ./target/release/bundle/deb/zenml-pro-desktop_0.1.0_amd64.deb
#   sudo dnf install ./target/release/bundle/rpm/zenml-pro-desktop-0.1.0-1.x86_64.rpm
#
# Prints the paths of the packages it built, one a line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust
ensure_node
bash scripts/build-ui.sh >&2
log "building zpro and the files generated from its definition (completions, manual pages)"
cargo build --release -p zenml-pro-cli --bin zpro >&2
rm -rf target/package-files
cargo run --release -q -p zenml-pro-cli --example package-files -- target/package-files >&2
log "building the app and its packages (release build, then the .deb and the .rpm)"
rm -rf target/release/bundle/deb target/release/bundle/rpm
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb,rpm >&2)
ls target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
