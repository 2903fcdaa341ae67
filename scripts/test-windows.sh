#!/usr/bin/env bash
# The Windows lane of the test suite (scripts/test.sh runs it after the Linux lane): the Windows
# programs built here for x86_64-pc-windows-gnu and run under Wine.
#   1. the tests of zenml-cloud-api, zenml-pro-core and zenml-pro-cli as Windows programs, the keyring
#      tests against Wine's Credential Manager ("windows tests: N passed under Wine");
#   2. zpro.exe and zenml-pro-desktop.exe built, warnings as errors;
#   3. zpro.exe against the Linux emulator on loopback (scripts/windows-scenario.sh);
#   4. the installer built with makensis, installed silently under Wine, checked, upgraded and
#      uninstalled (scripts/windows-installer.sh).
# One profile (debug) for every step, so std and each dependency are compiled once. The window itself
# is not run: Wine has no WebView2 runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

export WINDOWS_PROFILE=${WINDOWS_PROFILE:-debug}
# A build from scratch gains nothing from incremental compilation, and its files take gigabytes.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

log "windows: the headless crates' tests under Wine"
bash scripts/windows.sh test

log "windows: zpro.exe and zenml-pro-desktop.exe"
bash scripts/windows.sh build

log "windows: zpro.exe under Wine against the emulator"
bash scripts/windows-scenario.sh

log "windows: the installer, installed, upgraded and uninstalled under Wine"
bash scripts/windows-installer.sh test

log "windows lane passed"
