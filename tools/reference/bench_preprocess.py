#!/usr/bin/python3
"""Reference timings for BENCHMARKS.md "Image pipeline per stage": the study's own per-image work
with Pillow and torchvision, one thread, on the first N photos of ../shared/data/flowers17 (sorted
paths), read into memory first so the disk is not timed.

Stages, each timed over all N images, best of --repeats passes:
  decode     Image.open(BytesIO(b)).convert("RGB")
  jpeg75_420 save as JPEG quality 75 4:2:0 to memory, then open and convert again (the JPEG75_420 op)
  resize     torchvision Resize(224, BILINEAR) + CenterCrop(224) on the decoded image
  tensor     ToTensor() + Normalize(ImageNet mean/std)

Run with Debian's /usr/bin/python3 (python3-pil, python3-torchvision):
    /usr/bin/python3 tools/reference/bench_preprocess.py [--images DIR] [--limit 200] [--repeats 3]
Prints one JSON object; org.encodertraces.encoder.PreprocessBenchmark prints ours in the same shape.
"""
import argparse
import io
import json
import os
import platform
import time

import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "flowers17"))
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(1)
    files = []
    for root, _, names in os.walk(a.images):
        files += [os.path.join(root, n) for n in names if n.lower().endswith(".jpg")]
    files = sorted(files, key=lambda p: os.path.relpath(p, a.images))[: a.limit]
    blobs = [open(f, "rb").read() for f in files]
    resize = T.Compose([T.Resize(224, interpolation=T.InterpolationMode.BILINEAR), T.CenterCrop(224)])
    tensor = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    best = {}

    def timed(name, fn, items):
        t0 = time.perf_counter()
        out = [fn(x) for x in items]
        ms = (time.perf_counter() - t0) * 1000 / len(items)
        best[name] = min(best.get(name, float("inf")), ms)
        return out

    def jpeg(im):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=75, subsampling=2)
        return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")

    for _ in range(a.repeats):
        decoded = timed("decode", lambda b: Image.open(io.BytesIO(b)).convert("RGB"), blobs)
        timed("jpeg75_420", jpeg, decoded)
        cropped = timed("resize", resize, decoded)
        timed("tensor", tensor, cropped)
    print(json.dumps({"implementation": "Pillow %s + torchvision %s (Python %s)" % (PIL.__version__, torchvision.__version__, platform.python_version()),
                      "images": len(blobs), "size_first": list(decoded[0].size),
                      "ms_per_image_best_of_%d" % a.repeats: {k: round(v, 3) for k, v in best.items()}}))


if __name__ == "__main__":
    main()
