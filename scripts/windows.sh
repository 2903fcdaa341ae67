#!/usr/bin/env bash
# Builds the Windows programs on this Debian/Ubuntu machine: zpro.exe and zenml-pro-desktop.exe for
# x86_64-pc-windows-gnu, release profile, into target/windows/x86_64-pc-windows-gnu/release/.
#
# rustup cannot download a Windows standard library here, so the distribution's Rust (rustc-web,
# cargo-web, rust-web-src) builds std from source, linked with mingw-w64. Those packages install
# /usr/bin/cargo and /usr/bin/rustc: they are installed only after the Rust set-up step (so a check for
# `cargo` never finds the distribution's on a fresh machine) and always called by absolute path, so
# rustup's toolchain stays the project's `cargo` for everything else. Their own target folder keeps the
# two compilers' outputs apart.
#
# Usage: bash scripts/windows.sh [build|check]   (default: build; check = cargo check of every crate)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

mode=${1:-build}
WINDOWS_PACKAGES=(
  rustc-web cargo-web rust-web-src libstd-rust-web-dev
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
    log "cargo check, Windows target (every crate)"
    # The end-to-end tests drive the Linux webview, and the bare window is the Linux benchmark's reference.
    cargo_win check --workspace --exclude zenml-pro-e2e --exclude zenml-pro-bare-window --all-targets
    ;;
  build)
    log "building zpro.exe and zenml-pro-desktop.exe (release, Windows target)"
    cargo_win build --release -p zenml-pro-cli -p zenml-pro-desktop
    out=target/windows/x86_64-pc-windows-gnu/release
    ls -l "$out/zpro.exe" "$out/zenml-pro-desktop.exe"
    ;;
  *)
    echo "usage: scripts/windows.sh [build|check]" >&2
    exit 2
    ;;
esac
