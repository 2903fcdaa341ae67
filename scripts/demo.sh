#!/usr/bin/env bash
# Sets up everything and starts the local emulator of the ZenML Pro cloud API on its demo data.
# (The desktop app will be launched from here once it exists; today this runs the emulator.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust

log "building the emulator"
cargo build --release -p zenml-pro-emulator
log "starting the emulator on http://127.0.0.1:${PORT:-8080} (Ctrl+C stops it)"
exec target/release/zenml-pro-emulator --port "${PORT:-8080}" "$@"
