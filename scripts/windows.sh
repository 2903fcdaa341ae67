#!/usr/bin/env bash
# Builds and tests the Windows programs on this Debian/Ubuntu machine: zpro.exe and zenml-pro-desktop.exe
# for x86_64-pc-windows-gnu, into target/windows/x86_64-pc-windows-gnu/<profile>/, and the tests of the
# headless crates run as Windows programs under Wine.
#
# rustup cannot download a Windows standard library here, so the distribution's Rust (rustc-web,
# cargo-web, rust-web-src) builds std from source, linked with mingw-w64. Those packages install
# /usr/bin/cargo and /usr/bin/rustc: they are installed only after the Rust set-up step (so a check for
# `cargo` never finds the distribution's on a fresh machine) and always called by absolute path, so
# rustup's toolchain stays the project's `cargo` for everything else. Their own target folder keeps the
# two compilers' outputs apart.
#
# Usage: bash scripts/windows.sh [build|check|test]   (default: build)
#   build  zpro.exe and zenml-pro-desktop.exe
#   check  cargo check of every crate (debug, all targets) with clippy's lints, warnings as errors
#          (the distribution's clippy-driver, which matches its rustc, as the compiler wrapper)
#   test   cargo test of zenml-cloud-api, zenml-pro-core and zenml-pro-cli, each test program run under
#          Wine (wine64) in a Wine prefix of this script's own, target/windows/wine-prefix; ends with one
#          line "windows tests: N passed under Wine" and fails when any test failed
# WINDOWS_PROFILE=release|debug (default release) is the cargo profile of build and test, and so the
# folder target/windows/x86_64-pc-windows-gnu/<profile> that scripts/windows-scenario.sh runs from. One
# profile for every Windows step builds std and each dependency once.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

mode=${1:-build}
profile=${WINDOWS_PROFILE:-release}
case "$profile" in
  release) profile_flag=(--release) ;;
  debug) profile_flag=() ;;
  *) echo "WINDOWS_PROFILE must be release or debug, not '$profile'" >&2; exit 2 ;;
esac
WINDOWS_PACKAGES=(
  rustc-web cargo-web rust-web-src libstd-rust-web-dev rust-web-clippy
  gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev
)

ensure_system_packages
ensure_rust
ensure_node

missing=()
for p in "${WINDOWS_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing the Windows cross toolchain (${missing[*]})"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The app embeds the built UI.
bash scripts/build-ui.sh

export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_DIR=target/windows
# Warnings are errors: code behind cfg(windows) is compiled nowhere else.
export RUSTFLAGS="-D warnings"
cargo_win() {
  /usr/bin/cargo "$1" -Zbuild-std=std,panic_abort --target x86_64-pc-windows-gnu "${@:2}"
}

case "$mode" in
  check)
    log "cargo clippy, Windows target (every crate, warnings are errors)"
    # The end-to-end tests drive the Linux webview, and the bare window is the Linux benchmark's reference.
    # `cargo clippy` would find rustup's clippy first; the wrapper is what it sets up, with this rustc's own.
    RUSTC_WORKSPACE_WRAPPER=/usr/bin/clippy-driver cargo_win check --workspace --exclude zenml-pro-e2e --exclude zenml-pro-bare-window --all-targets
    ;;
  build)
    log "building zpro.exe and zenml-pro-desktop.exe ($profile, Windows target)"
    cargo_win build "${profile_flag[@]}" -p zenml-pro-cli -p zenml-pro-desktop
    out=target/windows/x86_64-pc-windows-gnu/$profile
    ls -l "$out/zpro.exe" "$out/zenml-pro-desktop.exe"
    ;;
  test)
    # shellcheck source=scripts/windows/wine.sh
    . scripts/windows/wine.sh
    wine_prefix_ready "$PWD/target/windows/wine-prefix"
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$WINE
    log "cargo test of the headless crates ($profile, Windows target, under Wine)"
    results=$(mktemp)
    trap 'rm -f "$results"; wine_stop' EXIT
    set +e
    # Not the doc tests: rustdoc does not see the std built by -Zbuild-std (every one fails with "cannot
    # find macro `format`"); they hold no platform code and run in the Linux test command.
    cargo_win test "${profile_flag[@]}" --no-fail-fast --lib --bins --tests \
      -p zenml-cloud-api -p zenml-pro-core -p zenml-pro-cli 2>&1 | tee "$results"
    status=${PIPESTATUS[0]}
    set -e
    passed=$(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed.*/\1/p' "$results" | awk '{n += $1} END {print n + 0}')
    failed=$(sed -n 's/^test result: .* \([0-9]*\) failed.*/\1/p' "$results" | awk '{n += $1} END {print n + 0}')
    ignored=$(sed -n 's/^test result: .* \([0-9]*\) ignored.*/\1/p' "$results" | awk '{n += $1} END {print n + 0}')
    if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
      log "windows tests: $passed passed, $failed failed, $ignored ignored under Wine (cargo exit $status): FAILED"
      exit 1
    fi
    log "windows tests: $passed passed under Wine ($ignored ignored)"
    ;;
  *)
    echo "usage: scripts/windows.sh [build|check|test]" >&2
    exit 2
    ;;
esac
