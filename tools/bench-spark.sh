#!/usr/bin/env bash
# traces spark embed --master local[2] (2 tasks, 1 thread each) against traces embed --threads 2 on
# the same machine, images and model, in one session; prints wall times and whether the outputs
# agree byte for byte (the sidecar apart from its recorded intra-op thread count, 1 against 2).
# Usage: tools/bench-spark.sh DATASET_SPEC MODEL OUT_DIR [one|spark|both]   (BENCHMARKS.md, "Spark local[2]")
# one/spark run one side only (so that each half fits one /work/quiet.sh call); compare after both.
set -euo pipefail
spec="$1"; model="$2"; out="$3"; side="${4:-both}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
"$here/traces" spark --help >/dev/null 2>&1   # build outside the timing
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$out/last.err" || [ $? = 1 ]; e=$(date +%s.%N); echo "$e - $s" | bc; }
if [ "$side" != spark ]; then
  rm -rf "$out/one"
  echo "traces_embed_threads2_s=$(t "$here/traces" embed --images "$spec" --model "$model" --threads 2 --quiet -o "$out/one") load=$(cut -d' ' -f1-3 /proc/loadavg)"
fi
if [ "$side" != one ]; then
  rm -rf "$out/spark"
  echo "spark_local2_s=$(t "$here/traces" spark embed --master 'local[2]' --images "$spec" --model "$model" --threads 1 --quiet -o "$out/spark") load=$(cut -d' ' -f1-3 /proc/loadavg)"
fi
if [ -d "$out/one" ] && [ -d "$out/spark" ]; then
  same=yes
  for f in "$out"/one/*.safetensors "$out"/one/*.failures.tsv; do
    cmp -s "$f" "$out/spark/$(basename "$f")" || same=no
  done
  for f in "$out"/one/*.json; do
    case "$f" in *.run.json) continue ;; esac
    cmp -s <(grep -v '"intra_op_threads"' "$f") <(grep -v '"intra_op_threads"' "$out/spark/$(basename "$f")") || same=no
  done
  echo "spec=$spec model=$model rows=$(grep -m1 -o '"rows" : [0-9]*' "$out"/one/*.json | head -1 | grep -o '[0-9]*$') identical=$same"
fi
