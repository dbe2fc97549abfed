#!/usr/bin/env bash
# Rebuild the vendored design system from the npm registry (docs/decisions/0011-design-system.md):
#   bash frontend/build.sh
# Packs @uswds/uswds, sass and axe-core at the pinned versions below into a scratch folder, compiles
# frontend/xaso-uswds.scss (USWDS with Public Sans for every role) and copies the few files xaso serves
# into xaso/static/vendor/uswds-3.14.0/ and the test-only axe-core into xaso/core/tests/browser/vendor/.
# Needs node and npm; run only when a pinned version changes. The output is committed.
set -euo pipefail
USWDS=3.14.0
SASS=1.108.2
AXE=4.14.1
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "@uswds/uswds@$USWDS" "axe-core@$AXE" >/dev/null
mkdir uswds axe && tar xzf "uswds-uswds-$USWDS.tgz" -C uswds && tar xzf "axe-core-$AXE.tgz" -C axe
npm init -y >/dev/null && npm install --silent --no-audit --no-fund --ignore-scripts "sass@$SASS" >/dev/null
SRC="$WORK/uswds/package"
OUT="$ROOT/xaso/static/vendor/uswds-$USWDS"
rm -rf "$OUT" && mkdir -p "$OUT/css" "$OUT/js" "$OUT/fonts/public-sans" "$OUT/img"
./node_modules/.bin/sass --no-source-map --style=compressed --quiet --quiet-deps \
  --load-path="$SRC/packages" "$ROOT/frontend/xaso-uswds.scss" "$OUT/css/uswds.min.css"
cp "$SRC/dist/js/uswds.min.js" "$SRC/dist/js/uswds-init.min.js" "$OUT/js/"
cp "$SRC/LICENSE.md" "$OUT/LICENSE.md"
for w in Light Regular Medium SemiBold Bold LightItalic Italic MediumItalic SemiBoldItalic BoldItalic; do
  cp "$SRC/dist/fonts/public-sans/PublicSans-$w.woff2" "$OUT/fonts/public-sans/"
done
# every image the compiled stylesheet refers to (except the hero photo xaso does not use), and the icon sprite
grep -o 'url([^)]*)' "$OUT/css/uswds.min.css" | sed 's/^url(//; s/)$//; s/"//g' | grep '^\.\./img/' | sort -u |
  grep -v hero | while read -r rel; do
    mkdir -p "$OUT/$(dirname "${rel#../}")" && cp "$SRC/dist/${rel#../}" "$OUT/${rel#../}"
  done
cp "$SRC/dist/img/sprite.svg" "$OUT/img/"
AXE_OUT="$ROOT/xaso/core/tests/browser/vendor"
mkdir -p "$AXE_OUT"
cp "$WORK/axe/package/axe.min.js" "$AXE_OUT/axe-$AXE.min.js"
cp "$WORK/axe/package/LICENSE" "$AXE_OUT/axe-core.LICENSE"
echo "built $OUT and $AXE_OUT"
