#!/usr/bin/env bash
# The Windows installer: packaging/windows/zenml-pro-desktop.nsi built with the distribution's NSIS
# (makensis, stock plugins only) into target/windows/installer/zenml-pro-desktop_<version>_x64-setup.exe,
# and a test that installs it silently under Wine, checks it, upgrades it and uninstalls it.
#
# Usage: bash scripts/windows-installer.sh [build|test]   (default: build)
#   WINDOWS_PROFILE=release|debug (default release) picks target/windows/x86_64-pc-windows-gnu/<profile>;
#   the programs are built with scripts/windows.sh only when they are missing there.
#
# The test runs in its own fresh Wine prefix, removed at exit. Wine 8.0 lacks bcryptprimitives.dll,
# which Rust's std needs: a test-only stand-in (scripts/windows/bcryptprimitives.c) goes into the
# prefix's system32. It is never part of the installer: real Windows 10 and 11 have the DLL.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

mode=${1:-build}
profile=${WINDOWS_PROFILE:-release}
case "$profile" in
  debug | release) ;;
  *)
    echo "error: WINDOWS_PROFILE must be debug or release, not '$profile'" >&2
    exit 2
    ;;
esac
case "$mode" in
  build | test) ;;
  *)
    echo "usage: scripts/windows-installer.sh [build|test]" >&2
    exit 2
    ;;
esac

out=target/windows/x86_64-pc-windows-gnu/$profile
nsi=packaging/windows/zenml-pro-desktop.nsi
icon=icons/icon.ico
version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "error: no version in Cargo.toml's [workspace.package]" >&2; exit 1; }

if ! [ -f "$out/zenml-pro-desktop.exe" ] || ! [ -f "$out/zpro.exe" ]; then
  log "the Windows programs are missing in $out: building them"
  WINDOWS_PROFILE=$profile bash scripts/windows.sh build
fi
for f in zenml-pro-desktop.exe zpro.exe; do
  [ -f "$out/$f" ] || { echo "error: $out/$f is missing after the build" >&2; exit 1; }
done
if ! command -v makensis >/dev/null 2>&1; then
  log "installing NSIS (makensis)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nsis >/dev/null
fi

# The app loads WebView2Loader.dll (the gnu target links the loader dynamically): ship it beside the
# .exe. Everything else either program imports is part of Windows.
loader=()
shipped=(zenml-pro-desktop.exe zpro.exe icon.ico uninstall.exe)
if x86_64-w64-mingw32-objdump -p "$out/zenml-pro-desktop.exe" | grep -qi 'DLL Name: WebView2Loader.dll'; then
  [ -f "$out/WebView2Loader.dll" ] || { echo "error: zenml-pro-desktop.exe imports WebView2Loader.dll, which is not in $out" >&2; exit 1; }
  loader=(-DWEBVIEW2LOADER)
  shipped+=(WebView2Loader.dll)
fi

# build_installer VERSION OUTFILE: one installer of the programs in $out, labelled VERSION.
build_installer() {
  local v=$1 outfile=$2 num a b c
  num=${v%%[-+]*}
  IFS=. read -r a b c <<<"$num"
  num="${a:-0}.${b:-0}.${c:-0}.0"
  mkdir -p "$(dirname "$outfile")"
  makensis -V2 -WX -INPUTCHARSET UTF8 \
    "-DVERSION=$v" "-DVERSION_NUM=$num" "-DSRCDIR=$PWD/$out" "-DICON=$PWD/$icon" \
    "-DOUTFILE=$(realpath -m "$outfile")" "${loader[@]}" "$nsi"
}

# A debug build's installer says so in its name, so it never passes for the release one, and is packed
# with zlib instead of solid LZMA (about 10 times faster on its larger programs).
suffix=
if [ "$profile" != release ]; then
  suffix=-$profile
  loader+=(-DFAST_COMPRESSION)
fi
setup=target/windows/installer/zenml-pro-desktop_${version}_x64${suffix}-setup.exe
log "building $setup ($profile programs)"
t0=$(date +%s.%N)
build_installer "$version" "$setup"
t1=$(date +%s.%N)
printf 'installer: %s, %s bytes (%s MB), built in %.1f s\n' "$setup" "$(stat -c %s "$setup")" \
  "$(( $(stat -c %s "$setup") / 1048576 ))" "$(awk "BEGIN { print $t1 - $t0 }")"
[ "$mode" = test ] || exit 0

# ---------------------------------------------------------------------------------------------------
# The test, under Wine.
# shellcheck source=scripts/windows/wine.sh
. scripts/windows/wine.sh
W=$WINE
work=$(mktemp -d)
holder=
cleanup() {
  [ -z "$holder" ] || kill "$holder" 2>/dev/null || true
  # Wine's server saves its registry on exit: wait for it before the prefix goes.
  wine_stop
  rm -rf "$work"
}
trap cleanup EXIT

failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    echo "  ok: $what"
  else
    echo "  FAILED: $what"
    failed=$((failed + 1))
  fi
}
# reg_value KEY NAME: the data of a registry value ("" when missing); NAME "" is the key's default.
reg_value() {
  local sel=(/v "$2")
  [ -n "$2" ] || sel=(/ve)
  "$W" reg query "$1" "${sel[@]}" 2>/dev/null | tr -d '\r' | sed -n 's/^    .*    REG_[A-Z_]*    \(.*\)$/\1/p' | head -n 1
}
reg_no_value() { ! "$W" reg query "$1" /v "$2" >/dev/null 2>&1; }
reg_no_key() { ! "$W" reg query "$1" >/dev/null 2>&1; }
reg_has_value() { "$W" reg query "$1" /v "$2" >/dev/null 2>&1; }
equals() { [ "$1" = "$2" ] || { echo "    got:      $1" >&2; echo "    expected: $2" >&2; return 1; }; }
count_entries() { tr ';' '\n' <<<"$1" | grep -icxF -- "$2" || true; }

log "a fresh Wine prefix"
wine_prefix_ready "$work/prefix"

user=$(id -un)
profile_dir="$WINEPREFIX/drive_c/users/$user"
[ -d "$profile_dir" ] || { echo "error: no Wine profile folder $profile_dir" >&2; exit 1; }
inst="$profile_dir/AppData/Local/Programs/ZenML Pro Desktop"
inst_win="C:\\users\\$user\\AppData\\Local\\Programs\\ZenML Pro Desktop"
lnk="$profile_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/ZenML Pro Desktop.lnk"
scheme='HKCU\Software\Classes\zenml-pro-desktop'
uninst='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\ZenML Pro Desktop'
# The user's PATH before: two entries (one unexpanded) that must come through untouched.
prior='C:\keep\one;%USERPROFILE%\keep two'
"$W" reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d "$prior" /f >/dev/null

# install_checks VERSION: what an installed copy of VERSION has.
install_checks() {
  local v=$1 f
  for f in "${shipped[@]}"; do
    check "$f installed" test -f "$inst/$f"
  done
  check "the installed programs are the built ones" \
    cmp -s "$inst/zenml-pro-desktop.exe" "$out/zenml-pro-desktop.exe"
  check "zpro.exe is the built one" cmp -s "$inst/zpro.exe" "$out/zpro.exe"
  check "no test-only bcryptprimitives.dll installed" test ! -e "$inst/bcryptprimitives.dll"
  check "PATH is the user's PATH plus the install folder, once" \
    equals "$(reg_value 'HKCU\Environment' Path)" "$prior;$inst_win"
  check "the Start-menu shortcut exists" test -s "$lnk"
  check "zenml-pro-desktop:// is a URL scheme" reg_has_value "$scheme" "URL Protocol"
  check "zenml-pro-desktop:// opens the installed app with the link" \
    equals "$(reg_value "$scheme\\shell\\open\\command" "")" "\"$inst_win\\zenml-pro-desktop.exe\" \"%1\""
  check "zenml-pro-desktop:// has the app's icon" \
    equals "$(reg_value "$scheme\\DefaultIcon" "")" "\"$inst_win\\zenml-pro-desktop.exe\",0"
  check "Apps entry: name" equals "$(reg_value "$uninst" DisplayName)" "ZenML Pro Desktop"
  check "Apps entry: version $v" equals "$(reg_value "$uninst" DisplayVersion)" "$v"
  check "Apps entry: publisher" equals "$(reg_value "$uninst" Publisher)" "ZenML"
  check "Apps entry: install location" equals "$(reg_value "$uninst" InstallLocation)" "$inst_win"
  check "Apps entry: uninstall command" \
    equals "$(reg_value "$uninst" UninstallString)" "\"$inst_win\\uninstall.exe\""
  check "Apps entry: quiet uninstall command" \
    equals "$(reg_value "$uninst" QuietUninstallString)" "\"$inst_win\\uninstall.exe\" /S"
  check "Apps entry: no modify, no repair" \
    equals "$(reg_value "$uninst" NoModify) $(reg_value "$uninst" NoRepair)" "0x1 0x1"
  check "Apps entry: an icon" reg_has_value "$uninst" DisplayIcon
  check "install log names version $v" grep -q "Installing ZenML Pro Desktop $v into" "$inst/install.log"
  # Wine has no WebView2 runtime: the silent install says so in its log, and installs anyway.
  check "install log says the WebView2 runtime is missing and where to get it" \
    grep -q 'WebView2 runtime: not found.*Evergreen WebView2 runtime' "$inst/install.log"
  local shown
  shown=$("$W" "$inst/zpro.exe" --version 2>&1 | tr -d '\r' || true)
  check "the installed zpro.exe --version prints $version ($shown)" grep -qF "$version" <<<"$shown"
  # A new Wine process takes its environment from the registry: the PATH finds zpro by its name.
  shown=$("$W" cmd /c "zpro --version" 2>&1 | tr -d '\r' || true)
  check "\`zpro --version\` in a new command prompt finds zpro on PATH ($shown)" grep -qF "$version" <<<"$shown"
}

log "install: wine64 $(basename "$setup") /S"
t_test=$(date +%s)
check "the installer exits with 0" "$W" "$setup" /S
"$WINESERVER" -w
install_checks "$version"

# A copy running from the install folder (zpro waiting for a key on its input): a silent install
# stops (exit code 2), says why in its log, and leaves the installed copy as it was.
log "install while zpro.exe runs from the install folder"
mkfifo "$work/input"
"$W" "$inst/zpro.exe" login --url http://127.0.0.1:9 --key-stdin <"$work/input" >/dev/null 2>&1 &
running=$!
# Only this sleep holds the input open (a Wine process started later must not inherit it): when it
# ends, zpro reads the end of its input and exits.
sleep 600 >"$work/input" &
holder=$!
for _ in $(seq 1 100); do
  pgrep -f "$WINEPREFIX/drive_c/.*zpro\.exe login" >/dev/null && break
  sleep 0.1
done
sleep 1
code=0
"$W" "$setup" /S || code=$?
check "the installer stops with exit code 2 ($code)" equals "$code" 2
check "install log says zpro is running" grep -q "Stopped: zpro is running" "$inst/install.log"
check "the installed copy is left as it was" equals "$(reg_value "$uninst" DisplayVersion)" "$version"
kill "$holder"
wait "$running" 2>/dev/null || true
"$WINESERVER" -w

# An upgrade: the same programs labelled as the next version, installed over the first.
next="${version%%[-+]*}"
next="${next%.*}.$(( ${next##*.} + 1 ))"
log "upgrade: an installer labelled $next, over $version"
build_installer "$next" "$work/zenml-pro-desktop_${next}_x64-setup.exe" >/dev/null
check "the newer installer exits with 0" "$W" "$work/zenml-pro-desktop_${next}_x64-setup.exe" /S
"$WINESERVER" -w
install_checks "$next"
check "install log says it replaced $version" grep -q "Replacing version $version" "$inst/install.log"
check "the install folder is on PATH exactly once" \
  equals "$(count_entries "$(reg_value 'HKCU\Environment' Path)" "$inst_win")" 1

log "the user's data, kept by the uninstaller"
data_roaming="$profile_dir/AppData/Roaming/zenml/ZenML Pro Desktop/data"
data_local="$profile_dir/AppData/Local/zenml/ZenML Pro Desktop/data/logs"
mkdir -p "$data_roaming" "$data_local"
echo planted >"$data_roaming/planted.txt"
echo planted >"$data_local/planted.txt"

log "start at login on (as the app's setting writes it), and another program's entry"
run='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
"$W" reg add "$run" /v zenml-pro-desktop /d "\"$inst_win\\zenml-pro-desktop.exe\" --hidden" /f >/dev/null
"$W" reg add "$run" /v other-program /d 'C:\other\other.exe' /f >/dev/null
check "the start-at-login entry is there" \
  equals "$(reg_value "$run" zenml-pro-desktop)" "\"$inst_win\\zenml-pro-desktop.exe\" --hidden"

log "uninstall: uninstall.exe /S"
# The uninstaller copies itself to a temporary folder, starts the copy and returns: wait for Wine's
# processes to end.
check "the uninstaller exits with 0" "$W" "$inst/uninstall.exe" /S
"$WINESERVER" -w
check "the install folder is gone" test ! -e "$inst"
check "the Start-menu shortcut is gone" test ! -e "$lnk"
check "the zenml-pro-desktop:// scheme is gone" reg_no_key "$scheme"
check "the Apps entry is gone" reg_no_key "$uninst"
check "the start-at-login entry is gone" reg_no_value "$run" zenml-pro-desktop
check "another program's start-at-login entry is kept" equals "$(reg_value "$run" other-program)" 'C:\other\other.exe'
check "PATH is the user's PATH as it was before" equals "$(reg_value 'HKCU\Environment' Path)" "$prior"
check "the data in AppData\\Roaming is kept" grep -qx planted "$data_roaming/planted.txt"
check "the data in AppData\\Local is kept" grep -qx planted "$data_local/planted.txt"

# A PATH longer than the installer can edit without cutting it is left alone, with a note.
long="C:\\keep\\$(printf 'x%.0s' $(seq 1 1100))"
"$W" reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d "$long" /f >/dev/null
# And a WebView2 runtime registered for this user, as its per-user install does.
"$W" reg add 'HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' \
  /v pv /d 120.0.2210.91 /f >/dev/null
log "install and uninstall with a PATH of ${#long} characters and a WebView2 runtime"
check "the installer exits with 0" "$W" "$setup" /S
"$WINESERVER" -w
check "the long PATH is left as it was" equals "$(reg_value 'HKCU\Environment' Path)" "$long"
check "install log says to add the folder to PATH by hand" grep -q "PATH is too long.*add .* to it by hand" "$inst/install.log"
check "the app is installed anyway" test -f "$inst/zenml-pro-desktop.exe"
check "install log names the WebView2 runtime found" grep -qF "WebView2 runtime: 120.0.2210.91." "$inst/install.log"
check "the uninstaller exits with 0" "$W" "$inst/uninstall.exe" /S
"$WINESERVER" -w
check "the install folder is gone" test ! -e "$inst"
check "the long PATH is still as it was" equals "$(reg_value 'HKCU\Environment' Path)" "$long"

echo "test time: $(($(date +%s) - t_test)) s under Wine"
if [ "$failed" -ne 0 ]; then
  echo "installer: $failed check(s) FAILED under Wine" >&2
  exit 1
fi
echo "installer: install, upgrade, check and uninstall under Wine passed"
