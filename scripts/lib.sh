# Shared helpers of the project's scripts: installing what the build needs on Debian/Ubuntu.
# Sourced, not run.

# Debian/Ubuntu packages the build, the tests and the app need. One list, so the demo command and the
# test command can never disagree about it.
SYSTEM_PACKAGES=(
  build-essential pkg-config curl ca-certificates git
  # the OS keyring on Linux: libdbus to build the Secret Service client, a session bus and a Secret
  # Service (gnome-keyring) for the keyring test
  libdbus-1-dev gnome-keyring dbus
  # the desktop shell (Tauri 2 on WebKitGTK): build libraries, the tray, and opening links
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libsoup-3.0-dev
  libxdo-dev
  # running the app and its end-to-end tests headless: X server, session bus, accessibility bus,
  # screenshots and WebDriver for the real webview
  xvfb xauth dbus-x11 at-spi2-core imagemagick librsvg2-bin webkit2gtk-driver
  # a real StatusNotifier host for the tray's end-to-end test and screenshot, and window queries
  xfce4-panel xdotool
)

# Starts xfce4-panel (its status tray is a StatusNotifier host and watcher) in the current D-Bus
# session and display, its log in $1, and waits until the watcher is on the bus. The panel reads its
# configuration through xfconfd, which D-Bus starts: it gets this shell's HOME and XDG_CONFIG_HOME.
start_tray_host() {
  dbus-update-activation-environment HOME XDG_CONFIG_HOME
  xfce4-panel >"$1" 2>&1 &
  local _
  for _ in $(seq 1 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.kde.StatusNotifierWatcher 2>/dev/null | grep -q true && return 0
    sleep 0.2
  done
  echo "xfce4-panel offered no StatusNotifier watcher within 20 s" >&2
  return 1
}

# Builds every test of the workspace, the app's binary with them, with the feature set of
# `cargo test --workspace` (so nothing that step built is compiled again with other features), and
# prints the paths of the end-to-end suite's test programs, one a line; with $1, only that file's
# (tests/e2e/tests/$1.rs). The programs run from tests/e2e, as cargo would run them.
e2e_test_programs() {
  local want=${1:-}
  cargo test --workspace --no-run --message-format=json-render-diagnostics |
    grep '"reason":"compiler-artifact"' | grep '/tests/e2e/Cargo.toml"' | grep '"kind":\["test"\]' |
    sed -n 's/.*"src_path":"[^"]*\/tests\/\([^"\/]*\)\.rs".*"executable":"\([^"]*\)".*/\1 \2/p' |
    while read -r name program; do
      if [ -z "$want" ] || [ "$name" = "$want" ]; then echo "$program"; fi
    done
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "error: need root to run: $*  (run as root or install sudo)" >&2
    return 1
  fi
}

# Installs the packages of SYSTEM_PACKAGES that are missing (nothing when all are there).
ensure_system_packages() {
  local missing=()
  local p
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages (${missing[*]}) and no apt-get to install them" >&2
    return 1
  fi
  log "installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Makes sure cargo, rustfmt and clippy are there, installing the stable toolchain with rustup if not.
ensure_rust() {
  if [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    log "installing the Rust toolchain (rustup, stable)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    log "adding rustfmt and clippy"
    rustup component add rustfmt clippy
  fi
}

# Makes sure Node.js 20 or newer and npm are there (the UI's build tools need Node 20). Debian and
# Ubuntu ship older Node in some releases: then this says how to get a current one and stops.
ensure_node() {
  local major=0
  if command -v node >/dev/null 2>&1; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  fi
  if [ "$major" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js and npm from the distribution"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || true
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  fi
  if [ "$major" -lt 20 ]; then
    echo "error: the web UI needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "       Install a current Node.js (for example from the NodeSource packages for your release)" >&2
    echo "       and run this command again." >&2
    return 1
  fi
}
