# Wine for the Windows programs' tests: a Wine prefix of the project's own, with the test-only
# bcryptprimitives.dll stand-in in its system32. Sourced, not run (after scripts/lib.sh).
#
# Wine 8.0 lacks bcryptprimitives.dll, which Rust's std needs since 1.78 (ProcessPrng): without it a
# program exits with code 53. The stand-in (scripts/windows/bcryptprimitives.c) forwards to advapi32's
# RtlGenRandom. Real Windows 10 and 11 have the DLL; the stand-in is never shipped.

WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64

# Installs wine64 when missing, then makes $1 (an absolute path, created when missing, reused otherwise)
# the WINEPREFIX, with the stand-in DLL in its system32. Never the user's own ~/.wine.
wine_prefix_ready() {
  if ! [ -x "$WINE" ]; then
    log "installing Wine"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64
  fi
  # A crashing program exits with its error instead of starting Wine's debugger, which can hang; no
  # Mono or Gecko prompt, and no menu entries or link handlers on this machine.
  export WINEPREFIX=$1 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;winedbg.exe=d"
  local system32="$WINEPREFIX/drive_c/windows/system32"
  if ! [ -f "$system32/kernel32.dll" ]; then
    log "creating the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    "$WINE" wineboot --init >/dev/null 2>&1
    "$WINESERVER" -w
  fi
  x86_64-w64-mingw32-gcc -shared -O2 -o "$system32/bcryptprimitives.dll" \
    scripts/windows/bcryptprimitives.c -ladvapi32
}

# Stops this prefix's Wine server and waits for it (it saves the prefix's registry on exit).
wine_stop() {
  "$WINESERVER" -k 2>/dev/null || true
  "$WINESERVER" -w 2>/dev/null || true
}
