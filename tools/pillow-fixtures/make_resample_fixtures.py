#!/usr/bin/python3
"""Golden outputs of Pillow's resize, SMOOTH filter, Sharpness and blend for the Java parity tests.

Run with Debian's system Python, whose python3-pil is the reference (Pillow 9.4):

    /usr/bin/python3 tools/pillow-fixtures/make_resample_fixtures.py

Shared data is read from $TRACES_SHARED, else ../shared beside the repository root. Small crops
of fixed flowers17 photos become the test inputs (the only data copied into the repository);
every output is an 8-bit RGB PNG, described in manifest.json. The script is deterministic:
running it again rewrites identical files.
"""
import json
import os
import sys
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageEnhance, ImageFilter

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "core/src/test/resources/fixtures/pillow/resample"
EXPECTED_PILLOW = "9.4."

# (name, source photo under data/flowers17, crop box left, top, width, height)
CROPS = [
    ("daisy_61x47", "daisy/image_0801.jpg", 201, 173, 61, 47),
    ("sunflower_96x80", "sunflower/image_0721.jpg", 150, 120, 96, 80),
    ("tulip_33x120", "tulip/image_0562.jpg", 230, 90, 33, 120),
    ("iris_128x128", "iris/image_0401.jpg", 170, 150, 128, 128),
    # second operand for blend (same size as daisy_61x47)
    ("pansy_61x47", "pansy/image_1281.jpg", 180, 200, 61, 47),
]

FILTERS = {
    "NEAREST": Image.Resampling.NEAREST,
    "BOX": Image.Resampling.BOX,
    "BILINEAR": Image.Resampling.BILINEAR,
    "HAMMING": Image.Resampling.HAMMING,
    "BICUBIC": Image.Resampling.BICUBIC,
    "LANCZOS": Image.Resampling.LANCZOS,
}


def shared_dir():
    env = os.environ.get("TRACES_SHARED")
    d = Path(env) if env else REPO.parent / "shared"
    if not (d / "data/flowers17").is_dir():
        sys.exit(f"flowers17 not found under {d} (set TRACES_SHARED)")
    return d


def short_side(w, h, size):
    """Output size of torchvision Resize(size) for an image of w x h (int truncation of the long side)."""
    if w <= h:
        return size, int(size * h / w)
    return int(size * w / h), size


def resize_targets(w, h):
    """(label, (w, h)) pairs: the target sizes every input is resized to with every filter."""
    def scaled(f):
        return max(1, int(w * f)), max(1, int(h * f))

    return [
        ("x0.5", scaled(0.5)),
        ("x2", scaled(2)),
        ("x0.83", scaled(0.83)),
        ("x1.17", scaled(1.17)),
        ("x1over7", scaled(1 / 7)),
        ("wplus13_hdiv3", (w + 13, h // 3)),
    ]


def save(im, name):
    assert im.mode == "RGB", im.mode
    im.save(OUT / name, optimize=True)
    return name


def main():
    if not PIL.__version__.startswith(EXPECTED_PILLOW):
        sys.exit(f"Pillow {PIL.__version__} found, the reference is {EXPECTED_PILLOW}x (use /usr/bin/python3)")
    shared = shared_dir()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()

    inputs = {}
    for name, src, x, y, w, h in CROPS:
        with Image.open(shared / "data/flowers17" / src) as photo:
            crop = photo.convert("RGB").crop((x, y, x + w, y + h))
        crop.load()
        inputs[name] = crop
        save(crop, f"in_{name}.png")

    # Synthetic probe: random pixels (numpy's legacy RandomState, stable across versions) on which
    # Pillow's HAMMING upscale 6 -> 179 differs by 1 in one sample from a port that uses double
    # 0.54 / 0.46 instead of C's float constants 0.54f / 0.46f. Natural crops rarely expose it.
    probe = Image.fromarray(np.random.RandomState(6).randint(0, 256, (4, 6, 3)).astype(np.uint8), "RGB")
    inputs["probe_6x4"] = probe
    save(probe, "in_probe_6x4.png")

    cases = []

    def add(op, input_name, out_im, out_name, **params):
        cases.append({
            "id": f"{input_name}/{op}/{out_name}",
            "op": op,
            "input": f"in_{input_name}.png",
            **params,
            "output": save(out_im, out_name),
        })

    resize_inputs = [c[0] for c in CROPS[:4]]
    for name in resize_inputs:
        im = inputs[name]
        w, h = im.size
        for label, size in resize_targets(w, h):
            if label == "x2" and w * h > 10000:
                continue  # keeps the fixtures small; x1.17 and short-side cases cover upscaling here
            for fname, f in FILTERS.items():
                out = im.resize(size, resample=f)
                add("resize", name, out, f"{name}__{label}_{size[0]}x{size[1]}__{fname}.png",
                    filter=fname, size=list(size), box=None)
        # a fractional source box (Pillow's box= argument), down and up; two inputs suffice
        if name not in ("daisy_61x47", "tulip_33x120"):
            continue
        box = (3.5, 2.25, w - 4.75, h - 1.5)
        for size in [(max(1, w // 3), max(1, h // 2)), (w + 7, h + 5)]:
            for fname, f in FILTERS.items():
                out = im.resize(size, resample=f, box=box)
                add("resize", name, out, f"{name}__box_{size[0]}x{size[1]}__{fname}.png",
                    filter=fname, size=list(size), box=list(box))

    add("resize", "probe_6x4", probe.resize((179, 4), resample=Image.Resampling.HAMMING),
        "probe_6x4__hamming_float_constants_179x4__HAMMING.png", filter="HAMMING", size=[179, 4], box=None)

    # torchvision-style Resize(224) / Resize(256): shorter side to that length, every filter.
    # Upscaled outputs are large PNGs, so only the smallest input gets these cases.
    im = inputs["daisy_61x47"]
    for side in (224, 256):
        size = short_side(*im.size, side)
        for fname, f in FILTERS.items():
            out = im.resize(size, resample=f)
            add("resize", "daisy_61x47", out, f"daisy_61x47__short{side}_{size[0]}x{size[1]}__{fname}.png",
                filter=fname, size=list(size), box=None)

    for name in resize_inputs:
        im = inputs[name]
        add("smooth", name, im.filter(ImageFilter.SMOOTH), f"{name}__smooth.png")
        for factor in (2.0, 4.0, 0.5):
            out = ImageEnhance.Sharpness(im).enhance(factor)
            add("sharpness", name, out, f"{name}__sharpness_{factor}.png", factor=factor)

    a, b = inputs["daisy_61x47"], inputs["pansy_61x47"]
    for alpha in (0.3, 1.7, -0.4, 0.5):
        add("blend", "daisy_61x47", Image.blend(a, b, alpha), f"daisy_61x47__blend_pansy_{alpha}.png",
            input2="in_pansy_61x47.png", alpha=alpha)

    manifest = {
        "generator": "tools/pillow-fixtures/make_resample_fixtures.py",
        "pillow_version": PIL.__version__,
        "python": sys.version.split()[0],
        "source": "crops of data/flowers17 photos (see CROPS in the generator)",
        "cases": cases,
    }
    with open(OUT / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(cases)} cases, {total / 1e6:.2f} MB in {OUT}")


if __name__ == "__main__":
    main()
