#!/usr/bin/env bash
# The whole test suite: every gate the project has. README.md gives this command; .ci/run calls it.
# Installs what it needs when it is missing, so it runs on a fresh Debian/Ubuntu machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust
ensure_node

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

log "cargo test"
cargo test --workspace

log "keyring test against a real Secret Service (private D-Bus session, unlocked gnome-keyring)"
keyring_home=$(mktemp -d)
KEYRING_HOME="$keyring_home" dbus-run-session -- sh -c 'echo -n pw | env HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/data" gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p zenml-pro-core --test secret_service -- --ignored'

log "web UI: type check, lint and unit tests"
(cd ui && npm ci && npm run check && npm run lint && npm run test)

log "end-to-end: the real app in its real webview"
bash scripts/e2e.sh

log "packages: build the .deb and the .rpm, install, check, remove"
bash scripts/test-packages.sh

log "all gates passed"
