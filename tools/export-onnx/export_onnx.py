#!/usr/bin/env python3
"""Export a study encoder's image tower to ONNX, with the matching preprocessing spec JSON.

Run on a machine with PyTorch and the model's library (open_clip_torch, timm, or network
access for torch.hub / the MoCo v3 checkpoints). The arguments are the ones in the registry
entry's "source.args" (core/src/main/resources/org/encodertraces/encoder/registry.json):

    python3 tools/export-onnx/export_onnx.py --library open_clip --model ViT-B-16 \
        --pretrained laion2b_s34b_b88k --size 224 --out models/

writes  <out>/<name>.onnx  (input "pixel_values" float32 [N,3,S,S], output "embedding" [N,D])
and     <out>/<name>.spec.json  (the PreprocessSpec the library itself declares, with the
        study's rule resize size == crop size, the input and output names, and the export's
        provenance). `traces ... --model <out>/<name>.onnx` reads the spec beside the file, so
        the export runs with no extra flags; with --registry-id the spec also names the registry
        encoder it is, and the registry's study name applies (as with --model ID=FILE.onnx).

The embedding is what the library calls the image feature: open_clip encode_image (projected,
not normalised), timm forward_head(pre_logits=True), the torch.hub backbone's forward output
(DINO/DINOv2 CLS token), MoCo v3 base encoder without projection head.
"""
import argparse
import hashlib
import json
import os
import sys

import torch

OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class Embedder(torch.nn.Module):
    def __init__(self, fn, module):
        super().__init__()
        self.module = module
        self.fn = fn

    def forward(self, pixel_values):
        return self.fn(self.module, pixel_values)


def load_open_clip(a):
    import open_clip
    model, _, preprocess = open_clip.create_model_and_transforms(a.model, pretrained=a.pretrained)
    cfg = model.visual.preprocess_cfg if hasattr(model.visual, "preprocess_cfg") else {}
    mean = tuple(cfg.get("mean", getattr(model.visual, "image_mean", OPENAI_MEAN)))
    std = tuple(cfg.get("std", getattr(model.visual, "image_std", OPENAI_STD)))
    interp = cfg.get("interpolation", "bicubic")
    mode = "SQUASH" if cfg.get("resize_mode") == "squash" else "SHORTER_SIDE"
    return Embedder(lambda m, x: m.encode_image(x), model), mean, std, interp, mode, repr(preprocess)


def load_timm(a):
    import timm
    model = timm.create_model(a.model, pretrained=True, num_classes=0)
    dc = model.pretrained_cfg
    return (Embedder(lambda m, x: m.forward_head(m.forward_features(x), pre_logits=True), model),
            tuple(dc["mean"]), tuple(dc["std"]), dc.get("interpolation", "bicubic"), "SHORTER_SIDE", json.dumps(dc, default=str))


def load_torchhub(a):
    model = torch.hub.load(a.repo, a.model)
    if hasattr(model, "fc"):
        model.fc = torch.nn.Identity()  # DINO ResNet-50: pooled 2048-d features
    return Embedder(lambda m, x: m(x), model), IMAGENET_MEAN, IMAGENET_STD, "bicubic", "SHORTER_SIDE", a.repo


MOCO_URL = "https://dl.fbaipublicfiles.com/moco-v3/{0}/{0}.pth.tar"


def load_mocov3(a):
    import timm
    state = torch.hub.load_state_dict_from_url(MOCO_URL.format(a.model), map_location="cpu")["state_dict"]
    prefix = "module.base_encoder."
    sd = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    if a.model.startswith("r-50"):
        model = timm.create_model("resnet50", pretrained=False, num_classes=0)
        sd = {k: v for k, v in sd.items() if not k.startswith("fc.")}
    else:
        # MoCo v3 ViT-S uses 12 heads (not timm's 6) and a frozen sin-cos position embedding.
        name, heads = ("vit_small_patch16_224", 12) if a.model.startswith("vit-s") else ("vit_base_patch16_224", 12)
        model = timm.create_model(name, pretrained=False, num_classes=0, num_heads=heads)
        sd = {k: v for k, v in sd.items() if not k.startswith("head.")}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    if unexpected or [k for k in missing if not k.startswith(("fc.", "head."))]:
        sys.exit(f"MoCo v3 weights do not map cleanly: missing={missing} unexpected={unexpected}")
    return (Embedder(lambda m, x: m.forward_head(m.forward_features(x), pre_logits=True), model),
            IMAGENET_MEAN, IMAGENET_STD, "bilinear", "SHORTER_SIDE", MOCO_URL.format(a.model))


LOADERS = {"open_clip": load_open_clip, "timm": load_timm, "torchhub": load_torchhub, "mocov3": load_mocov3}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--library", required=True, choices=sorted(LOADERS))
    p.add_argument("--model", required=True)
    p.add_argument("--pretrained", help="open_clip pretrained tag")
    p.add_argument("--repo", help="torch.hub repository")
    p.add_argument("--size", type=int, required=True, help="input (crop) size")
    p.add_argument("--out", default=".")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--registry-id", help="the registry id this export is of (written into the spec)")
    a = p.parse_args()

    module, mean, std, interp, mode, native = LOADERS[a.library](a)
    module.eval()
    x = torch.randn(2, 3, a.size, a.size)
    with torch.no_grad():
        ref = module(x)
    name = "-".join(s for s in (a.library, a.model.replace("/", "_").replace(":", "_"), a.pretrained) if s)
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, name + ".onnx")
    big = sum(t.numel() for t in module.parameters()) * 4 > 1.8e9
    torch.onnx.export(module, (x,), onnx_path, input_names=["pixel_values"], output_names=["embedding"],
                      dynamic_axes={"pixel_values": {0: "N"}, "embedding": {0: "N"}}, opset_version=a.opset,
                      external_data=big) if "external_data" in torch.onnx.export.__code__.co_varnames else \
        torch.onnx.export(module, (x,), onnx_path, input_names=["pixel_values"], output_names=["embedding"],
                          dynamic_axes={"pixel_values": {0: "N"}, "embedding": {0: "N"}}, opset_version=a.opset)
    with open(onnx_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    spec = {
        "resizeSize": a.size, "resizeMode": mode, "filter": interp.upper(), "antialias": True,
        "cropSize": a.size, "scale": 1 / 255, "mean": list(mean), "std": list(std),
        "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": True,
    }
    meta = {"format": "encoder-traces-export-spec", "preprocessing": spec, "inputName": "pixel_values",
            "output": "embedding", "pooling": "NONE", "l2Normalize": False, "registryId": a.registry_id,
            "embeddingDim": int(ref.shape[-1]), "onnx": os.path.basename(onnx_path),
            "sha256": sha, "args": sys.argv[1:], "torch": torch.__version__, "libraryPreprocess": native,
            "reference_embedding_first_values": ref[0, :8].tolist()}
    with open(os.path.join(a.out, name + ".spec.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(onnx_path, sha, "dim", int(ref.shape[-1]))


if __name__ == "__main__":
    main()
