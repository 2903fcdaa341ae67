#!/usr/bin/env bash
# Builds the web UI into ui/dist (the desktop shell embeds it). Installs Node and npm when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node

log "building the web UI"
cd ui && npm ci && npm run build
