#!/usr/bin/env bash
# The README's "After erasure" audit numbers: traces audit on all of flowers17 (510 images) with the three
# shared encoders, JPEG and sharpening tasks, no masks, the study protocol's defaults (10 trials, 10 seeds),
# and a LEACE eraser on the JPEG concept fitted inside the audit on its training split (70%), measured on
# the other 30% (153 images; split again 70/30 for every experiment).
# Usage: tools/erase/audit_flowers17.sh [JAR] [OUT] [extra audit options...]
set -euo pipefail
jar="${1:-core/target/traces.jar}"
out="${2:-target-data/audit-erasure}"
shift $(( $# > 2 ? 2 : $# )) || true
nice -n 10 java --add-modules jdk.incubator.vector -Xmx4g -jar "$jar" audit --images ../shared/data/flowers17 \
    --model builtin:jpeg-forensic --model mobilenetv2-int8 --model nsfwjs-mobilenetv2 --tasks jpeg,sharpening --mask 0 \
    --erase leace:jpeg --quiet "$@" -o "$out" 2>&1 | grep -v '^WARNING'
