#!/usr/bin/env bash
# The README's transfer row: a LEACE eraser fitted on all of flowers17 (JPEG concept) applied to
# ../shared/data/exif-photos embedded by the same encoder; JPEG probe (the study's SGD protocol) before and after.
# Needs target-data/flowers17 (see measure_flowers17.sh) and
#   ./traces embed --images ../shared/data/exif-photos --model builtin:jpeg-forensic --model mobilenetv2-int8 \
#       --processing JPEG75_420,JPEG75_444,JPEG85_420,JPEG85_444,JPEG95_420,JPEG95_444 -o target-data/exif-photos
set -euo pipefail
jar="${1:-core/target/traces.jar}"
run() { nice -n 10 java --add-modules jdk.incubator.vector -Xmx3g -jar "$jar" "$@" 2>&1 | grep -v '^WARNING'; }
for model in "${@:2}"; do
  fit=(); probe=()
  for op in JPEG75_420 JPEG75_444 JPEG85_420 JPEG85_444 JPEG95_420 JPEG95_444; do
    fit+=(--set "$op=target-data/flowers17/flowers17__${op}__${model}.safetensors")
    probe+=(--set "$op=target-data/exif-photos/exif-photos__${op}__${model}.safetensors")
  done
  e=target-data/transfer/$model/flowers17-jpeg.safetensors
  run erase fit --task jpeg --all-images "${fit[@]}" -o "$e"
  run probe --task jpeg "${probe[@]}" --trials 10 --threads 1 -o "target-data/transfer/$model/raw"
  run probe --task jpeg "${probe[@]}" --trials 10 --threads 1 --eraser "$e" -o "target-data/transfer/$model/erased"
done
