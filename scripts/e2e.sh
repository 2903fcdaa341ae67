#!/usr/bin/env bash
# End-to-end tests of the real app in its real webview: builds the UI and the app, then runs the
# ignored tests of tests/e2e under Xvfb and a private D-Bus session with an unlocked Secret Service,
# driving the app through tauri-driver and WebKitWebDriver. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust
if ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver (WebDriver front for the app)"
  cargo install tauri-driver --locked --version '^2'
fi

bash scripts/build-ui.sh
# One build of the app and the suite, with the feature set `cargo test --workspace` already built (a
# `cargo build -p` here would compile the app's dependencies again with other features).
log "building the app and the end-to-end suite"
E2E_PROGRAMS=$(e2e_test_programs)
[ -n "$E2E_PROGRAMS" ] || { echo "error: no end-to-end test programs were built" >&2; exit 1; }
export E2E_PROGRAMS

log "end-to-end tests (Xvfb, private D-Bus session, WebKitWebDriver)"
runtime=$(mktemp -d)
chmod 700 "$runtime"
export XDG_RUNTIME_DIR="$runtime"
# The keyring daemon gets a home of its own, so it creates a fresh login keyring with this password
# instead of finding an older one locked with another.
keyring_home=$(mktemp -d)
export KEYRING_HOME="$keyring_home"
dbus-run-session -- sh -c '
  echo -n e2e | env HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/data" \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cd tests/e2e && exec xvfb-run -a -s "-screen 0 1280x900x24" sh -c "
    for program in \$E2E_PROGRAMS; do echo \"==> \${program##*/}\" >&2; \"\$program\" --ignored --test-threads=1 || exit 1; done"
'
