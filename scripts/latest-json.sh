#!/usr/bin/env bash
# Writes the updater's manifest (`latest.json`) for one release to stdout, from a folder that holds the
# release's update files, each beside its signature (`<file>.sig`, made by `tauri signer sign`). The
# release workflow (.github/workflows/release.yml) calls it in its last job; it runs anywhere with jq.
#
#   bash scripts/latest-json.sh DIR VERSION BASE_URL > latest.json
#
# BASE_URL is where the files are downloaded from (each file's URL is BASE_URL/<name>). Which platform
# a file updates is read from its name, as the release jobs name them:
#   *_aarch64.app.tar.gz   darwin-aarch64, darwin-aarch64-app
#   *_x64.app.tar.gz       darwin-x86_64, darwin-x86_64-app
#   *_x64-setup.exe        windows-x86_64, windows-x86_64-nsis
#   *_amd64.deb            linux-x86_64-deb
#   *.x86_64.rpm           linux-x86_64-rpm
# The updater looks for "<os>-<arch>-<bundle>" first, then "<os>-<arch>"; Linux has no plain
# "linux-x86_64" entry, since that one would serve a .deb to an .rpm install or the other way round.
# A file without its signature, or a platform found twice, stops it with an error.
set -euo pipefail

[ "$#" -eq 3 ] || { echo "usage: $0 DIR VERSION BASE_URL" >&2; exit 2; }
dir=$1 version=$2 base=${3%/}

platforms='{}'
add() { # $1: file name, $2...: platform keys
  local name=$1 sig key
  shift
  [ -f "$dir/$name.sig" ] || { echo "error: $name has no signature ($name.sig)" >&2; exit 1; }
  sig=$(tr -d '\n' < "$dir/$name.sig")
  for key in "$@"; do
    if jq -e --arg k "$key" 'has($k)' <<<"$platforms" >/dev/null; then
      echo "error: two files for $key (the second is $name)" >&2
      exit 1
    fi
    platforms=$(jq --arg k "$key" --arg sig "$sig" --arg url "$base/$name" \
      '. + {($k): {signature: $sig, url: $url}}' <<<"$platforms")
  done
}

shopt -s nullglob
for path in "$dir"/*; do
  name=${path##*/}
  case "$name" in
    *.sig) ;;
    *_aarch64.app.tar.gz) add "$name" darwin-aarch64 darwin-aarch64-app ;;
    *_x64.app.tar.gz) add "$name" darwin-x86_64 darwin-x86_64-app ;;
    *_x64-setup.exe) add "$name" windows-x86_64 windows-x86_64-nsis ;;
    *_amd64.deb) add "$name" linux-x86_64-deb ;;
    *.x86_64.rpm) add "$name" linux-x86_64-rpm ;;
    *) ;; # not an update file (a .dmg, for instance)
  esac
done
[ "$platforms" != '{}' ] || { echo "error: no update files in $dir" >&2; exit 1; }

jq -n --arg version "$version" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg notes "ZenML Pro Desktop $version" --argjson platforms "$platforms" \
  '{version: $version, notes: $notes, pub_date: $date, platforms: $platforms}'
