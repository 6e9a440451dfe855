#!/usr/bin/env bash
# Renders the sample report (docs/report-sample.json, illustrative numbers) with the study's
# figures from ../shared and saves a headless-Chromium screenshot as docs/report-screenshot.png.
# Needs Debian's chromium (apt-get install chromium). Usage: tools/report-screenshot.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${TRACES_SHARED:-$here/../shared}"
out="$here/target/report-sample"
"$here/traces" report "$here/docs/report-sample.json" --paper "$shared/reference/paper-results" --out "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1280,2400 --screenshot="$here/docs/report-screenshot.png" "file://$out/report.html" 2>/dev/null
echo "wrote $here/docs/report-screenshot.png"
