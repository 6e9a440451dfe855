#!/usr/bin/python3
"""Golden fixtures for encoder preprocessing, made with torchvision 0.14 and Pillow 9.4.

Run with Debian's system Python: /usr/bin/python3 tools/pillow-fixtures/make_preprocess_fixtures.py

For each input (crops of ../shared/data/flowers17 photos, saved as PNG in the repository) and
each preprocessing variant, the script runs the torchvision pipeline the study's encoders use:

  Resize(size, interpolation)  # int: shorter side to size; (h, w): squash to that size
  CenterCrop(crop)
  ToTensor()                   # float32, x / 255
  Normalize(mean, std)         # float32, (x - mean) / std

and writes the uint8 image after the crop as PNG plus the sha256 and summary statistics of the
final float32 CHW tensor (little-endian bytes), to core/src/test/resources/fixtures/torchvision/preprocess/.
The study set every resize size equal to its crop size, so the variants do too.
"""
import hashlib
import json
import os

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("TRACES_SHARED", os.path.join(ROOT, "..", "shared"))
OUT = os.path.join(ROOT, "core", "src", "test", "resources", "fixtures", "torchvision", "preprocess")

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
HALF = (0.5, 0.5, 0.5)

VARIANTS = {
    # name: (resize size, interpolation, crop, mean, std)
    "clip_bicubic_224": (224, InterpolationMode.BICUBIC, 224, CLIP_MEAN, CLIP_STD),
    "imagenet_bilinear_224": (224, InterpolationMode.BILINEAR, 224, IMAGENET_MEAN, IMAGENET_STD),
    "imagenet_bicubic_224": (224, InterpolationMode.BICUBIC, 224, IMAGENET_MEAN, IMAGENET_STD),
    "siglip_squash_bicubic_256": ((256, 256), InterpolationMode.BICUBIC, 256, HALF, HALF),
    "siglip_squash_bilinear_256": ((256, 256), InterpolationMode.BILINEAR, 256, HALF, HALF),
}

INPUTS = [
    ("buttercup", (0, 0, 311, 247)),     # landscape, downscaled
    ("snowdrop", (50, 20, 50 + 229, 20 + 345)),  # portrait, odd sizes
    ("windflower", (100, 100, 100 + 160, 100 + 131)),  # smaller than the crop: upscaled
]


def first_image(cls):
    d = os.path.join(SHARED, "data", "flowers17", cls)
    name = sorted(os.listdir(d))[0]
    return os.path.join(d, name)


def main():
    os.makedirs(os.path.join(OUT, "inputs"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)
    cases = []
    sources = []
    for i, (cls, box) in enumerate(INPUTS):
        path = first_image(cls)
        im = Image.open(path).convert("RGB").crop(box)
        name = "input%d.png" % i
        im.save(os.path.join(OUT, "inputs", name))
        sources.append({"input": name, "source": os.path.relpath(path, SHARED), "box": list(box)})
        for vname, (size, interp, crop, mean, std) in VARIANTS.items():
            pil_stage = T.Compose([T.Resize(size, interpolation=interp), T.CenterCrop(crop)])
            cropped = pil_stage(im)
            tensor = T.Normalize(mean, std)(T.ToTensor()(cropped))
            assert tensor.dtype == torch.float32
            data = tensor.contiguous().numpy().astype("<f4").tobytes()
            out_name = "input%d__%s.png" % (i, vname)
            cropped.save(os.path.join(OUT, "expected", out_name))
            cases.append({
                "input": name, "variant": vname, "resize": size if isinstance(size, int) else list(size),
                "interpolation": interp.value, "crop": crop, "mean": list(mean), "std": list(std),
                "cropped": out_name, "shape": list(tensor.shape),
                "tensor_sha256": hashlib.sha256(data).hexdigest(),
                "tensor_sum": float(tensor.double().sum()), "tensor_first": [float(x) for x in tensor.flatten()[:8]],
            })
    manifest = {"torchvision_version": torchvision.__version__, "torch_version": torch.__version__,
                "pillow_version": PIL.__version__, "sources": sources, "cases": cases}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", len(cases), "cases to", OUT)


if __name__ == "__main__":
    main()
