#!/usr/bin/env bash
# Re-renders the reports shown in README.md and docs/ and saves headless-Chromium screenshots:
#   docs/demo-report.png        the real `traces demo` report (runs the demo first when
#                               traces-demo/report/report.json is missing, or with --demo)
#   docs/report-screenshot.png  the sample report (docs/report-sample.json, illustrative numbers)
#   docs/exif-audit-report.png  the exif-photos audit, when EXIF_AUDIT=DIR/report.json is given
# With --fixture, the demo's report.json is also copied to the Chromium test's fixture.
# Needs Debian's chromium (apt-get install chromium). Usage: tools/report-screenshot.sh [--demo] [--fixture]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${TRACES_SHARED:-$here/../shared}"
paper="$shared/reference/paper-results"
run_demo=0
fixture=0
for a in "$@"; do
  case "$a" in
    --demo) run_demo=1 ;;
    --fixture) fixture=1 ;;
    *) echo "usage: $0 [--demo] [--fixture]" >&2; exit 2 ;;
  esac
done
demo_json="$here/traces-demo/report/report.json"
if [ "$run_demo" = 1 ] || [ ! -f "$demo_json" ]; then
  start=$(date +%s)
  (cd "$here" && ./traces demo -o traces-demo)
  echo "demo took $(( $(date +%s) - start )) s"
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
shot() { # html png height
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --window-size=1280,"$3" --screenshot="$2" "file://$1" 2>/dev/null
  echo "wrote $2"
}
"$here/traces" report "$demo_json" --paper "$paper" --out "$here/target/report-demo" >/dev/null
shot "$here/target/report-demo/report.html" "$here/docs/demo-report.png" 2600
"$here/traces" report "$here/docs/report-sample.json" --paper "$paper" --out "$here/target/report-sample" >/dev/null
shot "$here/target/report-sample/report.html" "$here/docs/report-screenshot.png" 2400
if [ -n "${EXIF_AUDIT:-}" ]; then
  "$here/traces" report "$EXIF_AUDIT" --paper "$paper" --out "$here/target/report-exif" >/dev/null
  shot "$here/target/report-exif/report.html" "$here/docs/exif-audit-report.png" 2000
fi
if [ "$fixture" = 1 ]; then
  cp "$demo_json" "$here/core/src/test/resources/fixtures/report/demo-report.json"
  echo "updated the demo fixture; rewrite the golden page it renders to and read its diff:"
  echo "  mvn -q -B verify -pl core -Dtest=HtmlReportGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dreport.golden.update=true"
fi
