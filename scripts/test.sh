#!/usr/bin/env bash
# The whole test suite: every gate the project has. README.md gives this command; .ci/run calls it.
# Installs what it needs when it is missing, so it runs on a fresh Debian/Ubuntu machine.
#
# Two lanes, both run by default (and on every CI run):
#   linux    formatting, clippy, the workspace's tests, the Secret Service keyring test, the UI's type
#            check, lint and unit tests, the end-to-end suite in the real window, the .deb and .rpm
#   windows  the Windows programs built here and tested under Wine (scripts/test-windows.sh)
# `bash scripts/test.sh linux` or `bash scripts/test.sh windows` runs one lane.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

lanes=${1:-all}
case "$lanes" in
  all | linux | windows) ;;
  *) echo "usage: scripts/test.sh [linux|windows]   (default: both lanes)" >&2; exit 2 ;;
esac

ensure_system_packages
ensure_rust
ensure_node

lane_linux() {
  log "cargo fmt --check"
  cargo fmt --all -- --check

  log "cargo clippy (warnings are errors)"
  cargo clippy --workspace --all-targets -- -D warnings

  log "cargo test"
  cargo test --workspace

  # `--workspace` keeps the feature set of the step above, so nothing is compiled again.
  log "keyring test against a real Secret Service (private D-Bus session, unlocked gnome-keyring)"
  keyring_home=$(mktemp -d)
  KEYRING_HOME="$keyring_home" dbus-run-session -- sh -c 'echo -n pw | env HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/data" gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test --workspace --test secret_service -- --ignored'

  log "web UI: type check, lint and unit tests"
  (cd ui && npm ci && npm run check && npm run lint && npm run test)

  log "end-to-end: the real app in its real webview"
  bash scripts/e2e.sh

  log "packages: build the .deb and the .rpm, install, check, remove"
  bash scripts/test-packages.sh
}

lane_windows() {
  bash scripts/test-windows.sh
}

for lane in linux windows; do
  [ "$lanes" = all ] || [ "$lanes" = "$lane" ] || continue
  started=$SECONDS
  log "lane $lane"
  "lane_$lane"
  log "lane $lane: passed in $((SECONDS - started)) s"
done
log "all gates passed"
