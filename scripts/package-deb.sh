#!/usr/bin/env bash
# Builds the Debian package of ZenML Pro Desktop: the release binary, a .desktop entry (with the
# zenml-pro-desktop:// link scheme) and the icons of icons/. Installs what the build needs first.
#
#   bash scripts/package-deb.sh
#   sudo apt install ./target/release/bundle/deb/zenml-pro-desktop_*.deb
#
# Prints the path of the .deb it built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust
ensure_node
bash scripts/build-ui.sh >&2
log "building the .deb (release build, then the bundle)"
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb >&2)
deb=$(ls -t target/release/bundle/deb/*.deb | head -n1)
log "built $deb"
echo "$deb"
