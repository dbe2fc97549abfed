#!/usr/bin/env bash
# Vendor the census app's offline libraries from the npm registry (docs/decisions/0036-offline-census-app.md):
#   bash frontend/vendor-offline.sh
# Workbox's service-worker modules (the classic-script builds, loaded with importScripts from xaso itself, never
# from a CDN) and idb (IndexedDB with promises, its UMD build). The source-map comments are dropped: the maps are
# not shipped, and the hashed static storage would otherwise look for them. Run only when a pinned version changes;
# the output is committed.
set -euo pipefail
WORKBOX=7.4.1
IDB=8.0.4
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
MODULES="core routing strategies precaching expiration"
for m in $MODULES; do npm pack --silent "workbox-$m@$WORKBOX" >/dev/null; done
npm pack --silent "idb@$IDB" >/dev/null
OUT="$ROOT/xaso/static/vendor/workbox-$WORKBOX"
rm -rf "$OUT" && mkdir -p "$OUT"
for m in $MODULES; do
  mkdir "$m" && tar xzf "workbox-$m-$WORKBOX.tgz" -C "$m"
  sed '/^\/\/# sourceMappingURL=/d' "$m/package/build/workbox-$m.prod.js" >"$OUT/workbox-$m.prod.js"
done
cp core/package/LICENSE "$OUT/LICENSE"
IDB_OUT="$ROOT/xaso/static/vendor/idb-$IDB"
rm -rf "$IDB_OUT" && mkdir -p "$IDB_OUT"
mkdir idb && tar xzf "idb-$IDB.tgz" -C idb
sed '/^\/\/# sourceMappingURL=/d' idb/package/build/umd.js >"$IDB_OUT/idb.umd.js"
cp idb/package/LICENSE "$IDB_OUT/LICENSE"
echo "built $OUT and $IDB_OUT"
