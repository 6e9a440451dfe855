#!/usr/bin/env bash
# The README's trace-erasure numbers: traces erase evaluate on flowers17 with the three shared encoders,
# from embedding sets made once by
#   ./traces embed --images ../shared/data/flowers17 --model builtin:jpeg-forensic --model mobilenetv2-int8 \
#       --model nsfwjs-mobilenetv2 --processing JPEG75_420,JPEG75_444,JPEG85_420,JPEG85_444,JPEG95_420,JPEG95_444,SHARPEN_2,SHARPEN_4 \
#       -o target-data/flowers17
# Usage: tools/erase/measure_flowers17.sh [JAR] [METHOD] [extra evaluate options...]
set -euo pipefail
jar="${1:-core/target/traces.jar}"
method="${2:-leace}"
shift $(( $# > 2 ? 2 : $# )) || true
d=target-data/flowers17
for model in builtin_jpeg-forensic mobilenetv2-int8 nsfwjs-mobilenetv2; do
  sets=()
  for op in JPEG75_420 JPEG75_444 JPEG85_420 JPEG85_444 JPEG95_420 JPEG95_444 SHARPEN_2 SHARPEN_4; do
    sets+=(--set "$op=$d/flowers17__${op}__${model}.safetensors")
  done
  nice -n 10 java --add-modules jdk.incubator.vector -Xmx3g -jar "$jar" erase evaluate --method "$method" --task jpeg \
      --check-task sharpening "${sets[@]}" --seeds 5 --threads 1 "$@" -o "target-data/erasure/$model" 2>&1 | grep -v '^WARNING'
done
