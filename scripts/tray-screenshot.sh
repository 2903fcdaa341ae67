#!/usr/bin/env bash
# Takes a screenshot of the tray menu open, from the real app on demo data, under Xvfb with a real
# StatusNotifier host (xfce4-panel's status tray) in a private D-Bus session and home:
#
#   bash scripts/tray-screenshot.sh [out.png]      (default docs/tray-menu.png)
#
# Installs what is missing (xfce4-panel and xdotool are in scripts/lib.sh's list). Uses the release build when there is one (else the
# debug build; builds it when neither exists). Fails when no tray icon appears.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
out=${1:-docs/tray-menu.png}
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac

ensure_system_packages
app=target/release/zenml-pro-desktop
[ -x "$app" ] || app=target/debug/zenml-pro-desktop
if [ ! -x "$app" ]; then
  ensure_rust
  bash scripts/build-ui.sh >&2
  cargo build -p zenml-pro-desktop
fi
app="$(pwd)/$app"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/.config/xfce4/xfconf/xfce-perchannel-xml" "$work/data"
cp tests/e2e/xfce4-panel.xml "$work/home/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml"

# The panel of this session is light: the dark tray mark suits it (the "Tray icon" preference).
echo '{"tray_icon": "dark"}' > "$work/data/desktop-settings.json"

export APP="$app" OUT="$out" WORK="$work" ROOT="$(pwd)"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  set -euo pipefail
  export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" ZENML_PRO_DESKTOP_DATA_DIR="$WORK/data"
  . "$ROOT/scripts/lib.sh"
  start_tray_host "$WORK/panel.log"
  "$APP" --demo >"$WORK/app.log" 2>&1 &
  for _ in $(seq 1 300); do grep -q "sync finished" "$WORK/app.log" && break; sleep 0.2; done
  grep -q "tray icon created" "$WORK/app.log" || { echo "no tray icon:"; cat "$WORK/app.log" "$WORK/panel.log"; exit 1; }
  if grep -q "no StatusNotifier host" "$WORK/app.log"; then echo "the panel offered no StatusNotifier host"; exit 1; fi
  sleep 2
  # Keep the window below the panel, then click the tray icon (the last item at the right end).
  win=$(xdotool search --name "ZenML Pro Desktop" | head -n1)
  xdotool windowmove "$win" 40 60 || true
  xdotool mousemove 1264 16 click 1
  sleep 1.5
  import -window root "$OUT"
  echo "saved $OUT"
  pkill -P $$ || true
'
