#!/usr/bin/env bash
# Sets up everything on a fresh Debian/Ubuntu machine (system packages, Rust, Node, the UI's npm
# packages), builds the desktop app and launches it on the emulator's demo data: the app starts the
# emulator inside itself, signs in to it with an in-memory keyring and syncs. No account, no network.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust
ensure_node

bash scripts/build-ui.sh
log "building the desktop app"
cargo build -p zenml-pro-desktop

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "error: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
  echo "       Run this from a desktop session, or under Xvfb: xvfb-run -a bash scripts/demo.sh" >&2
  exit 1
fi
log "launching ZenML Pro Desktop on demo data"
exec target/debug/zenml-pro-desktop --demo "$@"
