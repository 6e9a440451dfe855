#!/usr/bin/env bash
# Training throughput of `traces train`'s residual CNN: DJL + libtorch (ours) and PyTorch (Debian's
# python3-torch) on the same network, batch and thread count, alternating, in one run.
# Usage: [THREADS=n] tools/bench/train_throughput.sh [ROUNDS] [extra options for both, e.g. --width 32]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}"; shift || true
date -u; lscpu | grep -E "Model name|^CPU\(s\)"; uptime
for i in $(seq "$rounds"); do
  "$here/traces" bench-train --threads "${THREADS:-1}" "$@" 2>/dev/null | grep '^djl'
  /usr/bin/python3 "$here/tools/bench/train_throughput.py" --threads "${THREADS:-1}" "$@"
done
