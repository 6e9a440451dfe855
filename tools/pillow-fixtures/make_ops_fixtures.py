#!/usr/bin/python3
"""Golden fixtures for the study's processing operations, made with Pillow 9.4.

Run with Debian's system Python: /usr/bin/python3 tools/pillow-fixtures/make_ops_fixtures.py

Inputs are small crops of natural photos from ../shared/data/flowers17 (or $TRACES_SHARED),
saved as PNG in the repository so the fixtures are self-contained. For every operation of the
study the script writes the RGB result as PNG, and for JPEG steps the sha256 of the encoded
bytes, to core/src/test/resources/fixtures/pillow/ops/. The operations are written here exactly as
the study's pipeline performs them with Pillow:

  JPEGq_s           im.save(buf, "JPEG", quality=q, subsampling=s); Image.open(buf).convert("RGB")
  SHARPEN_f         ImageEnhance.Sharpness(im).enhance(f), then JPEG95_444
  RESIZE_HALF/DOUBLE im.resize((int(w*s), int(h*s)), Image.BILINEAR), then JPEG95_444
  INTERPOLATION_F   im.resize((int(w*s), int(h*s)), F) for a given factor s, then JPEG95_444
  MASK_r            JPEG95_444, then black centre rectangle of sides sqrt(r/100)*size, margins
                    round((size - sqrt(r/100)*size) / 2) (Python round: half to even)
"""
import hashlib
import io
import json
import math
import os

import numpy as np
import PIL
from PIL import Image, ImageEnhance, features

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("TRACES_SHARED", os.path.join(ROOT, "..", "shared"))
OUT = os.path.join(ROOT, "core", "src", "test", "resources", "fixtures", "pillow", "ops")

CROPS = [
    ("daisy/image_0801.jpg", (40, 60, 40 + 97, 60 + 75)),
    ("iris/image_0401.jpg", (150, 90, 150 + 64, 90 + 111)),
    ("tigerlily/image_0482.jpg", (10, 200, 10 + 128, 200 + 96)),
]
SUBSAMPLING = {"420": 2, "422": 1, "444": 0}
FILTERS = {"BILINEAR": Image.BILINEAR, "BICUBIC": Image.BICUBIC, "LANCZOS": Image.LANCZOS, "BOX": Image.BOX}


def jpeg_bytes(im, quality, sub):
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, subsampling=SUBSAMPLING[sub])
    return buf.getvalue()


def jpeg(im, quality, sub):
    data = jpeg_bytes(im, quality, sub)
    return Image.open(io.BytesIO(data)).convert("RGB"), data


def mask(im, ratio, keep):
    a = np.asarray(im).copy()
    h, w = a.shape[:2]
    side = math.sqrt(ratio / 100.0)
    mx = round((w - side * w) / 2)
    my = round((h - side * h) / 2)
    if keep == "border":
        a[my:h - my, mx:w - mx] = 0
    else:
        inner = a[my:h - my, mx:w - mx].copy()
        a[:] = 0
        a[my:h - my, mx:w - mx] = inner
    return Image.fromarray(a)


def pick_crop(rel, box):
    path = os.path.join(SHARED, "data", "flowers17", rel)
    if not os.path.exists(path):
        cls = rel.split("/")[0]
        d = os.path.join(SHARED, "data", "flowers17", cls)
        path = os.path.join(d, sorted(os.listdir(d))[0])
    return Image.open(path).convert("RGB").crop(box), os.path.relpath(path, SHARED)


def main():
    os.makedirs(os.path.join(OUT, "inputs"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)
    cases = []
    sources = []
    for idx, (rel, box) in enumerate(CROPS):
        im, src = pick_crop(rel, box)
        name = "crop%d.png" % idx
        im.save(os.path.join(OUT, "inputs", name))
        sources.append({"input": name, "source": src, "box": list(box)})

        def emit(op, result, params=None, jpeg_data=None):
            suffix = "" if not params else "_" + "_".join("%s%s" % (k, v) for k, v in sorted(params.items()))
            out_name = "crop%d__%s%s.png" % (idx, op, suffix)
            Image.frombytes("RGB", result.size, result.tobytes()).save(os.path.join(OUT, "expected", out_name))
            case = {"input": name, "op": op, "expected": out_name, "size": list(result.size)}
            if params:
                case["params"] = params
            if jpeg_data is not None:
                case["jpeg_sha256"] = hashlib.sha256(jpeg_data).hexdigest()
                case["jpeg_bytes"] = len(jpeg_data)
            cases.append(case)

        for q in (75, 85, 95):
            for sub in ("420", "444"):
                res, data = jpeg(im, q, sub)
                emit("JPEG%d_%s" % (q, sub), res, jpeg_data=data)
        res, data = jpeg(im, 90, "422")
        emit("JPEG90_422", res, jpeg_data=data)
        for f in (2, 4):
            sharp = ImageEnhance.Sharpness(im).enhance(f)
            res, data = jpeg(sharp, 95, "444")
            emit("SHARPEN_%d" % f, res, jpeg_data=data)
        w, h = im.size
        for op, s in (("RESIZE_HALF", 0.5), ("RESIZE_DOUBLE", 2)):
            res, data = jpeg(im.resize((int(w * s), int(h * s)), Image.BILINEAR), 95, "444")
            emit(op, res, jpeg_data=data)
        for fname, filt in FILTERS.items():
            for s in (0.8137, 1.1764):
                res, data = jpeg(im.resize((int(w * s), int(h * s)), filt), 95, "444")
                emit("INTERPOLATION_%s" % fname, res, params={"scale": s}, jpeg_data=data)
        base, _ = jpeg(im, 95, "444")
        for r in (90, 95, 50):
            emit("MASK_%d" % r, mask(base, r, "border"))
            emit("MASK_%d_KEEP_CENTER" % r, mask(base, r, "center"))
        emit("IDENTITY", im)

    manifest = {"pillow_version": PIL.__version__, "jpeg_library": "libjpeg-turbo (Pillow features.version('jpg')="
                + str(features.version("jpg")) + ")", "sources": sources, "cases": cases}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", len(cases), "cases to", OUT)


if __name__ == "__main__":
    main()
