#!/usr/bin/env bash
# The app under a real StatusNotifier host (xfce4-panel's status tray), on a display and D-Bus session
# of its own so the panel never reaches the other end-to-end tests: started with `--hidden` (as "start
# at login" does) it stays in the tray, its window unmapped, until a second launch shows it.
# Run by tests/desktop.rs (`a_hidden_start_stays_in_the_tray_until_a_second_launch`), which checks
# the lines this prints:
#   log: <the app's log lines about the tray>
#   visible-at-start: <number of visible app windows>
#   visible-after-second-launch: <number>
# Usage: tray-host.sh <app binary>
set -euo pipefail
app=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
# A service the session bus started may still be writing under it for a moment: retry the clean-up,
# and never let it change the result.
trap 'rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work" 2>/dev/null; } || true' EXIT
mkdir -p "$work/home/.config/xfce4/xfconf/xfce-perchannel-xml" "$work/data"
cp "$here/xfce4-panel.xml" "$work/home/.config/xfce4/xfconf/xfce-perchannel-xml/"
export APP="$app" WORK="$work" ROOT="$here/../.."
# Its output goes through a file: services the session bus starts may outlive it holding their
# inherited output open, and the caller reads this script's output to the end.
status=0
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  set -u
  export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" ZENML_PRO_DESKTOP_DATA_DIR="$WORK/data"
  export XDG_RUNTIME_DIR="$WORK" RUST_LOG=info
  . "$ROOT/scripts/lib.sh"
  start_tray_host "$WORK/panel.log" || echo "log: no StatusNotifier watcher"
  "$APP" --demo --hidden >"$WORK/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 150); do
    grep -q "started hidden in the tray\|asked to start hidden" "$WORK/app.log" && break
    sleep 0.2
  done
  sleep 1
  sed "s/\x1b\[[0-9;]*m//g" "$WORK/app.log" | grep -E "tray|StatusNotifier|hidden" | sed "s/^/log: /"
  echo "visible-at-start: $(xdotool search --onlyvisible --name "^ZenML Pro Desktop$" 2>/dev/null | wc -l)"
  "$APP" >/dev/null 2>&1 || echo "log: the second launch failed"
  for _ in $(seq 1 50); do
    [ "$(xdotool search --onlyvisible --name "^ZenML Pro Desktop$" 2>/dev/null | wc -l)" -gt 0 ] && break
    sleep 0.2
  done
  echo "visible-after-second-launch: $(xdotool search --onlyvisible --name "^ZenML Pro Desktop$" 2>/dev/null | wc -l)"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  pkill -x xfce4-panel || true
' >"$work/out" 2>&1 </dev/null || status=$?
cat "$work/out"
exit "$status"
