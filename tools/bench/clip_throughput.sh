#!/usr/bin/env bash
# Training throughput of `traces train --objective clip`'s network (ViT image tower + causal text tower, AdamW):
# DJL + libtorch (ours) and PyTorch (Debian's python3-torch) on the same network, batch and thread count,
# alternating, in one run, with the load average before each round.
#
# Debian's python3-torch 1.13 does its matrix products through the system's libblas.so.3 (BLAS_INFO=generic);
# with only Debian's reference BLAS installed that is the unoptimised Netlib code. OPENBLAS_DIR=DIR (a folder
# holding OpenBLAS's libblas.so.3, e.g. /usr/lib/x86_64-linux-gnu/openblas-pthread from libopenblas0-pthread)
# adds a PyTorch row with OpenBLAS loaded in its place; REFERENCE=1 adds a row with the installed libblas.so.3.
# TRACES=PATH runs another launcher (a frozen copy of the build) in place of ./traces.
# Usage: [THREADS=n] [OPENBLAS_DIR=DIR] [REFERENCE=1] tools/bench/clip_throughput.sh [ROUNDS] [extra options for all]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}"; shift || true
threads="${THREADS:-1}"
date -u; lscpu | grep -E "Model name|^CPU\(s\)|CPU family|^Model:"
/usr/bin/python3 -c 'import torch; c = torch.__config__.show(); print("python3-torch", torch.__version__, "BLAS_INFO=generic (the system libblas.so.3)" if "BLAS_INFO=generic" in c else "")'
echo "libblas.so.3 installed: $(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || echo '?')"
if [[ -z "${OPENBLAS_DIR:-}" && -z "${REFERENCE:-}" ]]; then
  echo "set OPENBLAS_DIR=DIR and/or REFERENCE=1 to choose the PyTorch rows" >&2; exit 2
fi
for i in $(seq "$rounds"); do
  echo "round $i: $(uptime | sed 's/.*load/load/')"
  "${TRACES:-$here/traces}" bench-train --objective clip --threads "$threads" "$@" 2>/dev/null | grep '^djl'
  if [[ -n "${OPENBLAS_DIR:-}" ]]; then
    echo -n "[OpenBLAS] "
    LD_LIBRARY_PATH="$OPENBLAS_DIR" OPENBLAS_NUM_THREADS="$threads" /usr/bin/python3 "$here/tools/bench/clip_throughput.py" --threads "$threads" "$@"
  fi
  if [[ -n "${REFERENCE:-}" ]]; then
    echo -n "[installed libblas.so.3] "
    /usr/bin/python3 "$here/tools/bench/clip_throughput.py" --threads "$threads" "$@"
  fi
done
echo "end: $(uptime | sed 's/.*load/load/')"
