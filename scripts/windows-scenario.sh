#!/usr/bin/env bash
# zpro.exe, as a Windows program under Wine, against the Linux emulator on loopback: signs in with a
# key (the keyring is Wine's Credential Manager), syncs, lists the members, invites an email with a role
# and finds the invitation listed, lists members and invitations again from the cache with the emulator
# stopped, finds the cache and the log in the Windows folders the app uses (the cache in the roaming
# app-data folder, %APPDATA%\zenml\ZenML Pro Desktop\data; the log in the local one,
# %LOCALAPPDATA%\zenml\ZenML Pro Desktop\data\logs) and no key in any file under AppData.
#
# zpro.exe comes from target/windows/x86_64-pc-windows-gnu/<WINDOWS_PROFILE> (release unless
# WINDOWS_PROFILE=debug), built first with scripts/windows.sh when missing. Each run uses a fresh Wine
# prefix (a new Windows user profile, a new Credential Manager) with the test-only bcryptprimitives.dll
# stand-in that Wine 8.0 lacks (see scripts/windows/wine.sh); real Windows has the DLL.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# shellcheck source=scripts/windows/wine.sh
. scripts/windows/wine.sh

profile=${WINDOWS_PROFILE:-release}
case "$profile" in release | debug) ;; *) echo "WINDOWS_PROFILE must be release or debug" >&2; exit 2 ;; esac
out=target/windows/x86_64-pc-windows-gnu/$profile
[ -x "$out/zpro.exe" ] || bash scripts/windows.sh build
ensure_rust
cargo build -q -p zenml-pro-emulator

work=$(mktemp -d)
wine_prefix_ready "$work/prefix"
port=$((20000 + RANDOM % 20000))
target/debug/zenml-pro-emulator --port "$port" >"$work/emulator.json" 2>"$work/emulator.log" &
emu=$!
cleanup() {
  kill "$emu" 2>/dev/null || true
  # Wine's server saves its registry on exit: wait for it before the prefix goes.
  wine_stop
  rm -rf "$work"
}
trap cleanup EXIT
# The emulator prints its address and demo credentials once it listens.
for _ in $(seq 1 100); do [ -s "$work/emulator.json" ] && break; sleep 0.1; done
key=ZENPAT_demo_acme_admin
zpro() { "$WINE" "$out/zpro.exe" "$@"; }
fail() { echo "windows scenario: $*" >&2; exit 1; }

log "zpro.exe ($profile) under Wine: sign in with a key, sync, list"
printf %s "$key" | zpro login --url "http://127.0.0.1:$port" --key-stdin
zpro sync
zpro members --json >"$work/online.json"
online=$(grep -c '"email"' "$work/online.json" || true)
[ "$online" -gt 0 ] || fail "no member listed online"

invitee=windows-scenario@example.com
log "invite $invitee as Organization Member, then list the invitations"
grep -q "$invitee" "$work/online.json" && fail "$invitee is already a member before the invitation"
zpro invite "$invitee" --role "Organization Member"
zpro invitations --json >"$work/invitations.json"
grep -q "\"$invitee\"" "$work/invitations.json" || fail "the new invitation is not listed: $(cat "$work/invitations.json")"
invitations=$(grep -c '"email"' "$work/invitations.json" || true)
# The member list shows pending invitations too: the invitee is in it now.
zpro members --json >"$work/online.json"
online=$(grep -c '"email"' "$work/online.json" || true)
grep -q "\"$invitee\"" "$work/online.json" || fail "the invitation is not in the member list"

log "offline: the emulator stopped, the lists come from the cache"
kill "$emu"; wait "$emu" 2>/dev/null || true
zpro members --json >"$work/offline.json"
offline=$(grep -c '"email"' "$work/offline.json" || true)
[ "$online" = "$offline" ] || fail "online $online members, offline $offline"
grep -q "\"$invitee\"" "$work/offline.json" || fail "the invitation is not in the member list offline"
zpro invitations --json >"$work/offline-invitations.json"
grep -q "\"$invitee\"" "$work/offline-invitations.json" || fail "the invitation is not in the cache offline"

appdata="$WINEPREFIX/drive_c/users/$(id -un)/AppData"
data="$appdata/Roaming/zenml/ZenML Pro Desktop/data"
logs="$appdata/Local/zenml/ZenML Pro Desktop/data/logs"
log "the files under $appdata"
find "$appdata" -type f -ipath '*ZenML Pro Desktop*' | sed "s|^$appdata/|  |"
[ -f "$data/cache.sqlite3" ] || fail "no cache at %APPDATA%\\zenml\\ZenML Pro Desktop\\data\\cache.sqlite3"
compgen -G "$logs/zpro.*.log" >/dev/null || fail "no zpro log in %LOCALAPPDATA%\\zenml\\ZenML Pro Desktop\\data\\logs"
log "no key in any file under AppData"
if grep -rl "$key" "$appdata"; then fail "the key was found in a file above"; fi
log "windows scenario: $online members online (the invitation among them), invitation listed ($invitations pending), $offline members and the invitation from the cache offline, cache in %APPDATA%, log in %LOCALAPPDATA%, no key in AppData: passed"
