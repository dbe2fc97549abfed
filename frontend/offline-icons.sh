#!/usr/bin/env bash
# Draw the census app's icons (the web app manifest's PNG files) with headless Chromium from the favicon's design:
#   bash frontend/offline-icons.sh
# "any" icons keep the favicon's rounded square; the "maskable" one fills the square and keeps the letters inside
# the central 80% that every launcher's mask leaves visible. Output committed under xaso/census/static/census/icons/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHROMIUM="${XASO_CHROMIUM:-/usr/bin/chromium}"
OUT="$ROOT/xaso/census/static/census/icons"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
draw() {  # size radius font-size name
  cat >"$WORK/icon.html" <<HTML
<!doctype html><html><body style="margin:0;background:transparent">
<svg xmlns="http://www.w3.org/2000/svg" width="$1" height="$1" viewBox="0 0 32 32" style="display:block">
<rect width="32" height="32" rx="$2" fill="#b3261e"/>
<text x="16" y="$5" font-family="DejaVu Sans, sans-serif" font-size="$3" font-weight="700" text-anchor="middle"
 fill="#fff">xã</text></svg></body></html>
HTML
  "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --force-device-scale-factor=1 --window-size="$1,$1" --screenshot="$OUT/$4.png" "file://$WORK/icon.html" 2>/dev/null
}
draw 192 6 15 icon-192 21.5
draw 512 6 15 icon-512 21.5
draw 512 0 11 maskable-512 20
draw 180 0 15 apple-touch-icon 21.5
echo "drew $(ls "$OUT")"
