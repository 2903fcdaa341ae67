#!/usr/bin/env bash
# Builds the Debian package of ZenML Pro Desktop: the release binary, a .desktop entry (with the
# zenml-pro-desktop:// link scheme) and the icons of icons/. Installs what the build needs first.
#
#   bash scripts/package-deb.sh
#   sudo apt install ./target/release/bundle/deb/zenml-pro-desktop_0.1.0_amd64.deb
#
# Prints the path of the .deb it built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_rust
ensure_node
bash scripts/build-ui.sh >&2
log "building the .deb (release build, then the bundle)"
rm -rf target/release/bundle/deb
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb >&2)
built=$(ls -t target/release/bundle/deb/*.deb | head -n1)

# The bundler names the package and its .desktop file after the product name ("zen-ml-pro-desktop",
# "ZenML Pro Desktop.desktop") and launches without the link argument. Repacked: package and entry
# named zenml-pro-desktop, and Exec passes a zenml-pro-desktop:// link on (%u).
log "repacking as zenml-pro-desktop"
version=$(dpkg-deb -f "$built" Version)
arch=$(dpkg-deb -f "$built" Architecture)
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
dpkg-deb -R "$built" "$tree/pkg"
sed -i 's/^Package: .*/Package: zenml-pro-desktop/' "$tree/pkg/DEBIAN/control"
for entry in "$tree"/pkg/usr/share/applications/*.desktop; do
  [ "$entry" = "$tree/pkg/usr/share/applications/zenml-pro-desktop.desktop" ] ||
    mv "$entry" "$tree/pkg/usr/share/applications/zenml-pro-desktop.desktop"
done
sed -i 's|^Exec=zenml-pro-desktop$|Exec=zenml-pro-desktop %u|' "$tree/pkg/usr/share/applications/zenml-pro-desktop.desktop"
grep -q '^MimeType=x-scheme-handler/zenml-pro-desktop' "$tree/pkg/usr/share/applications/zenml-pro-desktop.desktop"
# The icon the bundler filed under "256x256@2" belongs in 256x256.
if [ -d "$tree/pkg/usr/share/icons/hicolor/256x256@2" ]; then
  mv "$tree/pkg/usr/share/icons/hicolor/256x256@2" "$tree/pkg/usr/share/icons/hicolor/256x256"
fi
(cd "$tree/pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
deb="target/release/bundle/deb/zenml-pro-desktop_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz -b "$tree/pkg" "$deb" >&2
rm -f "$built"
log "built $deb"
echo "$deb"
