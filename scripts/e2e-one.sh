#!/usr/bin/env bash
# One end-to-end test file (tests/e2e/tests/<name>.rs), for working on it: the same set-up as
# scripts/e2e.sh (UI and app built, Xvfb, private D-Bus session, unlocked Secret Service).
# Usage: bash scripts/e2e-one.sh <name> [test name filter]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
name=${1:?usage: e2e-one.sh <file name without .rs> [filter]}
filter=${2:-}
bash scripts/build-ui.sh
E2E_PROGRAM=$(e2e_test_programs "$name")
[ -n "$E2E_PROGRAM" ] || { echo "error: no end-to-end test file tests/e2e/tests/$name.rs" >&2; exit 1; }
runtime=$(mktemp -d)
chmod 700 "$runtime"
export XDG_RUNTIME_DIR="$runtime" E2E_PROGRAM E2E_FILTER="$filter"
keyring_home=$(mktemp -d)
export KEYRING_HOME="$keyring_home"
dbus-run-session -- sh -c '
  echo -n e2e | env HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/data" \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cd tests/e2e && exec xvfb-run -a -s "-screen 0 1280x900x24" "$E2E_PROGRAM" --ignored --test-threads=1 $E2E_FILTER
'
