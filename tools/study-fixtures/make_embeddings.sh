#!/bin/bash
# Embedding sets for the study-protocol fixtures: 8 Flowers17 classes (alphabetical), per class the
# first 20 photos (sorted by name) as the train split and the last 10 as the val split, each under
# the operations of the study's JPEG and sharpening tasks, embedded with builtin:lowlevel-stats (156-d,
# no weights needed). Run from the repository root; writes core/src/test/resources/fixtures/study/.
set -euo pipefail
SHARED=${TRACES_SHARED:-../shared}
OUT=core/src/test/resources/fixtures/study
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for cls in $(ls "$SHARED/data/flowers17" | sort | head -8); do
  mkdir -p "$TMP/flowers8-train/$cls" "$TMP/flowers8-val/$cls"
  files=$(ls "$SHARED/data/flowers17/$cls" | sort)
  for f in $(echo "$files" | head -20); do ln -s "$(realpath "$SHARED/data/flowers17/$cls/$f")" "$TMP/flowers8-train/$cls/$f"; done
  for f in $(echo "$files" | tail -10); do ln -s "$(realpath "$SHARED/data/flowers17/$cls/$f")" "$TMP/flowers8-val/$cls/$f"; done
done
OPS=JPEG75_420,JPEG75_444,JPEG85_420,JPEG85_444,JPEG95_420,JPEG95_444,SHARPEN_2,SHARPEN_4
mkdir -p "$OUT"
for split in train val; do
  ./traces embed --images "$TMP/flowers8-$split" --model builtin:lowlevel-stats --processing $OPS --threads 2 --quiet -o "$TMP/emb"
done
for f in "$TMP"/emb/*.safetensors; do
  cp "$f" "$OUT/"
  cp "${f%.safetensors}.json" "$OUT/"
done
ls -la "$OUT"
