#!/usr/bin/env bash
# Builds the .deb and the .rpm (scripts/package.sh), installs the .deb, checks that every file the
# packages promise is there (dpkg -L), runs `zpro --version` and `man -w zpro`, starts the installed
# app under Xvfb on demo data until its first paint, removes the package and checks the user's data
# stays. The .rpm is checked for the same files with `rpm -qlp`. Installs system packages: run it on a
# machine you do not mind changing (CI runs it as root). Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
# man-db for `man -w`, rpm for `rpm -qlp`.
for p in man-db rpm; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
done

mapfile -t built < <(bash scripts/package.sh)
deb=$(printf '%s\n' "${built[@]}" | grep '\.deb$')
rpm=$(printf '%s\n' "${built[@]}" | grep '\.rpm$')

# What both packages must hold.
expected=(
  /usr/bin/zenml-pro-desktop
  /usr/bin/zpro
  /usr/share/applications/zenml-pro-desktop.desktop
  /usr/share/icons/hicolor/128x128/apps/zenml-pro-desktop.png
  /usr/share/bash-completion/completions/zpro
  /usr/share/zsh/vendor-completions/_zpro
  /usr/share/fish/vendor_completions.d/zpro.fish
  /usr/share/man/man1/zpro.1
  /usr/share/man/man1/zpro-login.1
  /usr/share/man/man1/zpro-doctor.1
  /usr/share/man/man1/zenml-pro-desktop.1
)
check_list() { # $1: what, $2: file with the package's list
  local f missing=0
  for f in "${expected[@]}"; do
    if grep -qx "$f" "$2"; then echo "  ok   $f"; else echo "  MISSING $f"; missing=1; fi
  done
  [ "$missing" -eq 0 ] || { echo "error: $1 lacks files (above)" >&2; exit 1; }
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "the .rpm's files (rpm -qlp $rpm)"
rpm -qlp "$rpm" > "$work/rpm.list"
check_list "the .rpm" "$work/rpm.list"
[ "$(rpm -qp --queryformat '%{NAME}' "$rpm")" = zenml-pro-desktop ]

log "installing $deb"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
[ "$(dpkg-deb -f "$deb" Package)" = zenml-pro-desktop ]
log "the .deb's files (dpkg -L zenml-pro-desktop)"
dpkg -L zenml-pro-desktop > "$work/deb.list"
check_list "the installed .deb" "$work/deb.list"
desktop=/usr/share/applications/zenml-pro-desktop.desktop
grep -q '^Exec=zenml-pro-desktop %u$' "$desktop"
grep -q '^MimeType=x-scheme-handler/zenml-pro-desktop' "$desktop"
grep -q '^Name=ZenML Pro Desktop$' "$desktop"
echo "  ok   $desktop: Exec with %u, the link scheme, the name"

log "zpro --version; man -w zpro"
/usr/bin/zpro --version
man -w zpro
man -w zenml-pro-desktop

log "the installed app on demo data, under Xvfb, until its first paint"
home="$work/home"
mkdir -p "$home"
runtime=$(mktemp -d); chmod 700 "$runtime"
HOME="$home" XDG_RUNTIME_DIR="$runtime" XDG_CACHE_HOME="$home/.cache" RUST_LOG=info \
  dbus-run-session -- xvfb-run -a -s "-screen 0 1280x900x24" \
  timeout 90 /usr/bin/zenml-pro-desktop --demo > "$work/app.log" 2>&1 &
app=$!
painted=""
for _ in $(seq 1 180); do
  if grep -q "first paint" "$work/app.log"; then painted=yes; break; fi
  kill -0 "$app" 2>/dev/null || break
  sleep 0.5
done
pkill -f /usr/bin/zenml-pro-desktop || true
wait "$app" 2>/dev/null || true
if [ -z "$painted" ]; then
  echo "error: the installed app did not paint; its log:" >&2
  cat "$work/app.log" >&2
  exit 1
fi
grep -o "first paint: [0-9]* ms[^\"]*" "$work/app.log" | head -n1 | sed 's/^/  /'
data=$(find "$home/.local/share" -name cache.sqlite3 -print -quit)
[ -n "$data" ] || { echo "error: the app wrote no cache under $home/.local/share" >&2; exit 1; }
echo "  data: $data"

log "removing the package; the user's data stays"
as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq zenml-pro-desktop >/dev/null
[ ! -e /usr/bin/zpro ] && [ ! -e /usr/bin/zenml-pro-desktop ]
[ -f "$data" ] || { echo "error: removing the package deleted $data" >&2; exit 1; }
echo "  ok   removed; $data is still there"
log "packages: all checks passed"
