#!/usr/bin/env bash
# The whole test suite: every gate the project has. README.md gives this command; .ci/run calls it.
# Installs what it needs when it is missing, so it runs on a fresh Debian/Ubuntu machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

log "cargo test"
cargo test --workspace

log "all gates passed"
