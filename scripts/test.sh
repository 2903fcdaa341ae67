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

log "keyring test against a real Secret Service (private D-Bus session, unlocked gnome-keyring)"
dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p zenml-pro-core --test secret_service -- --ignored'

log "web UI: type check, lint and unit tests"
(cd ui && npm ci && npm run check && npm run lint && npm run test)

log "all gates passed"
