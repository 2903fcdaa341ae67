#!/usr/bin/env bash
# Builds the web UI into ui/dist (the desktop shell embeds it). Installs Node and npm from apt if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if ! command -v npm >/dev/null 2>&1; then
  log "installing Node.js and npm"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

log "building the web UI"
cd ui && npm ci && npm run build
