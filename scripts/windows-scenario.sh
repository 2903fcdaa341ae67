#!/usr/bin/env bash
# zpro.exe, as a Windows program under Wine, against the Linux emulator on loopback: signs in with a
# key (the keyring is Wine's Credential Manager), syncs, lists, lists again from the cache with the
# emulator stopped, and finds no key in its data folders under AppData. Builds first with
# scripts/windows.sh when zpro.exe is missing.
#
# Wine 8.0 lacks bcryptprimitives.dll, which Rust's std needs: a test-only stand-in
# (scripts/windows/bcryptprimitives.c, forwarding to RtlGenRandom) is put beside the .exe. Real
# Windows 10 and 11 have the DLL; the stand-in is never shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

out=target/windows/x86_64-pc-windows-gnu/release
[ -x "$out/zpro.exe" ] || bash scripts/windows.sh build
ensure_rust
if ! [ -x /usr/lib/wine/wine64 ]; then
  log "installing Wine"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64
fi
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" scripts/windows/bcryptprimitives.c -ladvapi32
cargo build -q -p zenml-pro-emulator

work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
W=/usr/lib/wine/wine64
port=$((20000 + RANDOM % 20000))
target/debug/zenml-pro-emulator --port "$port" >"$work/emulator.json" 2>"$work/emulator.log" &
emu=$!
cleanup() {
  kill "$emu" 2>/dev/null || true
  # Wine's server saves its registry on exit: wait for it before the prefix goes.
  /usr/lib/wine/wineserver64 -k 2>/dev/null || true
  /usr/lib/wine/wineserver64 -w 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# The emulator prints its address and demo credentials once it listens.
for _ in $(seq 1 100); do [ -s "$work/emulator.json" ] && break; sleep 0.1; done
key=ZENPAT_demo_acme_admin
zpro() { "$W" "$out/zpro.exe" "$@"; }

log "zpro.exe under Wine: sign in with a key, sync, list"
printf %s "$key" | zpro login --url "http://127.0.0.1:$port" --key-stdin
zpro sync
zpro members --json >"$work/online.json"
online=$(grep -c '"email"' "$work/online.json")

log "offline: the emulator stopped, the list comes from the cache"
kill "$emu"; wait "$emu" 2>/dev/null || true
zpro members --json >"$work/offline.json"
offline=$(grep -c '"email"' "$work/offline.json")
[ "$online" -gt 0 ] && [ "$online" = "$offline" ] || { echo "online $online rows, offline $offline" >&2; exit 1; }

appdata="$WINEPREFIX/drive_c/users/$(id -un)/AppData"
log "data under $appdata: no key in any file"
find "$appdata" -type f -ipath '*ZenML Pro Desktop*' | sed 's/^/  /'
[ -n "$(find "$appdata" -type f -ipath '*ZenML Pro Desktop*' -name '*.sqlite3')" ] || { echo "no cache under AppData" >&2; exit 1; }
if grep -rl "$key" "$appdata"; then echo "the key was found in a file above" >&2; exit 1; fi
log "windows scenario: $online members online, $offline from the cache offline, no key in AppData: passed"
