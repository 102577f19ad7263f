#!/usr/bin/env bash
# Vendor Leaflet & co. from the npm registry into dashboard/static/vendor/, so the map draws with no
# network at run time (folium would otherwise load every script from a CDN and show a blank frame offline).
#
# Needs only node/npm. Idempotent: re-running replaces the folder atomically. Fails loudly on any error.
# Versions match what folium 0.20 asks for where it matters (Leaflet 1.9.x, jQuery 3.7.1, Bootstrap 5.2.2,
# Font Awesome 6.2.0). dashboard/assets.py maps folium's CDN URLs onto these files; keep the two in step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/dashboard/static/vendor"

PACKAGES=(
  leaflet@1.9.4
  leaflet.markercluster@1.5.3
  leaflet.awesome-markers@2.0.5
  leaflet.heat@0.2.0
  jquery@3.7.1
  bootstrap@5.2.2
  @fortawesome/fontawesome-free@6.2.0
)

command -v npm >/dev/null 2>&1 || { echo "vendor_assets: npm not found (install node/npm)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tgz" "$WORK/out"

echo "vendor_assets: fetching ${#PACKAGES[@]} packages with npm pack"
(cd "$WORK/tgz" && npm pack --silent "${PACKAGES[@]}" >/dev/null)

unpack() {  # unpack NAME-PREFIX DIR: extract the one tarball whose name starts with NAME-PREFIX
  local tgz
  tgz=$(ls "$WORK/tgz/$1"-[0-9]*.tgz)
  mkdir -p "$WORK/src/$2"
  tar -xzf "$tgz" -C "$WORK/src/$2" --strip-components=1
}
unpack leaflet leaflet
unpack leaflet.markercluster markercluster
unpack leaflet.awesome-markers awesome-markers
unpack leaflet.heat heat
unpack jquery jquery
unpack bootstrap bootstrap
unpack fortawesome-fontawesome-free fontawesome

copy() {  # copy SRC... DESTDIR (relative to the work dirs); a missing file is an error
  local dest="$WORK/out/${*: -1}"
  mkdir -p "$dest"
  for f in "${@:1:$#-1}"; do
    [ -e "$WORK/src/$f" ] || { echo "vendor_assets: missing $f in the npm package" >&2; exit 1; }
    cp -R "$WORK/src/$f" "$dest/"
  done
}
copy leaflet/dist/leaflet.js leaflet/dist/leaflet.css leaflet/dist/images leaflet/LICENSE leaflet
copy markercluster/dist/leaflet.markercluster.js markercluster/dist/MarkerCluster.css \
     markercluster/dist/MarkerCluster.Default.css markercluster/MIT-LICENCE.txt markercluster
copy awesome-markers/dist/leaflet.awesome-markers.js awesome-markers/dist/leaflet.awesome-markers.css \
     awesome-markers/dist/images awesome-markers/LICENSE awesome-markers
copy heat/dist/leaflet-heat.js heat/LICENSE leaflet.heat
copy jquery/dist/jquery.min.js jquery/LICENSE.txt jquery
copy bootstrap/dist/js/bootstrap.bundle.min.js bootstrap/dist/css/bootstrap.min.css bootstrap/LICENSE bootstrap
copy fontawesome/css fontawesome/webfonts fontawesome/LICENSE.txt fontawesome

# Swap the finished folder in at once, so an interrupted run never leaves a half-filled vendor dir.
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.tmp"
mv "$WORK/out" "$DEST.tmp"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
touch "$DEST/.stamp"
echo "vendor_assets: $(find "$DEST" -type f | wc -l) files in ${DEST#"$ROOT"/}"
