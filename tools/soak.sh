#!/usr/bin/env bash
# Issue 23's full-size soak: 300 mixed files (good JPEGs up to 700 px and eight of 1200 to 2360 px,
# odd names with newline/tab/quote/backslash, a PNG named .jpg, corrupt and truncated files, two
# images too large for a 1 GB heap, one over Pillow's pixel limit, symbolic links) through
# `traces process`, `embed` and `audit`, each in a child JVM with -Xmx1g, with 1 worker and with 2.
# It is core's SoakCliTest at full size (the CI run keeps the images small); the test asserts that
# every good image is done, every bad one listed once with a reason, exit status 1, and the 1- and
# 2-worker outputs byte-identical. Prints the machine, the load and each run's time.
# Usage: tools/soak.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores;" \
     "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p core/target
status=0
mvn -q -B verify -pl core -Dtest='SoakCliTest#threeHundred*' -Dtraces.soak.full=true -Dsurefire.failIfNoSpecifiedTests=false \
    > core/target/soak.log 2>&1 || status=$?
grep '^soak:' core/target/soak.log || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$status" != 0 ]; then
  grep -E 'FAIL|Assertion|expected' core/target/soak.log | head -20
  echo "soak FAILED (full log: $here/core/target/soak.log)" >&2
  exit 1
fi
rm -f core/target/soak.log
echo "soak passed"
