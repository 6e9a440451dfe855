#!/usr/bin/env python3
"""Bring the model registry in line with the two reference tables in ../shared/reference.

    /usr/bin/python3 tools/registry/apply_reference.py [--shared ../shared]

rewrites core/src/main/resources/org/encodertraces/encoder/registry.json:

* onnx-exports.tsv: every row whose same_weights starts with "yes" (same weights as the
  study's checkpoint) or "unsure, likely yes" becomes a Hub source (repository, file, revision
  where the table gives a full commit, sha256 and size where it gives them) with the output
  handling its publisher needs (OUTPUTS below). Rows with no export, or only a near match (a
  different checkpoint), keep their export recipe.
* study-preprocessing.tsv: input size, resize size and mode, filter, mean and std become the
  study's as it ran; the recipe's checkpoint becomes the study's (CHECKPOINTS below) and the
  entry's notes say which checkpoint the study used.

RegistryReferenceTest checks the result against both tables.
"""
import argparse
import csv
import json
import os
import re

REGISTRY = "core/src/main/resources/org/encodertraces/encoder/registry.json"

# publisher (repository prefix) -> (input name, embedding tensor, pooling, L2-normalised inside the graph)
OUTPUTS = [
    ("Xenova/clip-", ("pixel_values", "image_embeds", "NONE", False)),
    ("Xenova/siglip-", ("pixel_values", "pooler_output", "NONE", False)),
    ("upshift/siglip2-", ("pixel_values", "image_embeds", "NONE", False)),
    ("Xenova/vit-", ("pixel_values", "last_hidden_state", "CLS_TOKEN", False)),
    ("google/vit-", ("pixel_values", "last_hidden_state", "CLS_TOKEN", False)),
    ("Xenova/dino-", ("pixel_values", "last_hidden_state", "CLS_TOKEN", False)),
    ("onnx-community/dinov2-", ("pixel_values", "pooler_output", "NONE", False)),
    # logits-only classifier exports: the embedding is the input of the final classifier layer
    ("Xenova/convnext-", ("pixel_values", "classifier-input:logits", "NONE", False)),
    ("deepghs/timms", ("input", "embedding", "NONE", False)),
    ("Marqo/", (None, "output", "NONE", False)),
    ("immich-app/", (None, "embedding", "NONE", True)),
]

# registry id -> recipe arguments loading the study's own checkpoint
CHECKPOINTS = {
    "resnet50-in1k": ["--library", "timm", "--model", "resnet50.a1_in1k", "--size", "224"],
    "resnet101-in1k": ["--library", "timm", "--model", "resnet101.a1h_in1k", "--size", "224"],
    "convnext-in22k-t": ["--library", "timm", "--model", "convnext_tiny.fb_in22k_ft_in1k_384", "--size", "384"],
    "convnext-in22k-b": ["--library", "timm", "--model", "convnext_base.fb_in22k_ft_in1k_384", "--size", "384"],
    "convnext-in22k-l": ["--library", "timm", "--model", "convnext_large.fb_in22k_ft_in1k_384", "--size", "384"],
    "convnext-in22k-xl": ["--library", "timm", "--model", "convnext_xlarge.fb_in22k_ft_in1k_384", "--size", "384"],
    "vit-in21k-b16": ["--library", "timm", "--model", "vit_base_patch16_224.orig_in21k", "--size", "224"],
    "vit-in21k-b32": ["--library", "timm", "--model", "vit_base_patch32_224.orig_in21k", "--size", "224"],
    "vit-in21k-l16": ["--library", "timm", "--model", "vit_large_patch16_224.orig_in21k", "--size", "224"],
    "siglip-vit-b16-256": ["--library", "timm", "--model", "vit_base_patch16_siglip_256.webli", "--size", "256"],
    "siglip-vit-l16-256": ["--library", "timm", "--model", "vit_large_patch16_siglip_256.webli", "--size", "256"],
    "siglip2-vit-b16-256": ["--library", "timm", "--model", "vit_base_patch16_siglip_256.v2_webli", "--size", "256"],
    "siglip2-vit-l16-256": ["--library", "timm", "--model", "vit_large_patch16_siglip_256.v2_webli", "--size", "256"],
    "openclip-laion2b-convnext-l": ["--library", "open_clip", "--model", "convnext_large_d_320",
                                    "--pretrained", "laion2b_s29b_b131k_ft_soup", "--size", "320"],
    "openclip-laion2b-convnext-xxl": ["--library", "open_clip", "--model", "convnext_xxlarge",
                                      "--pretrained", "laion2b_s34b_b82k_augreg_soup", "--size", "256"],
}

# the library's own evaluation resize (crop_pct) where the study's checkpoint changes it
NATIVE_RESIZE = {"resnet50-in1k": 235, "resnet101-in1k": 235, "convnext-in22k-t": None, "convnext-in22k-b": None,
                 "convnext-in22k-l": None, "convnext-in22k-xl": None, "siglip-vit-b16-256": 284,
                 "siglip-vit-l16-256": 284, "siglip2-vit-b16-256": 284, "siglip2-vit-l16-256": 284,
                 "openclip-laion2b-convnext-l": None}

# near matches on the Hub: other checkpoints (different weights), so not used; the recipe stays
NEAR = {
    "openclip-laion2b-vit-g14": "immich-app/ViT-g-14__laion2b-s12b-b42k and Marqo hold the older laion2b_s12b_b42k checkpoint",
    "siglip2-vit-l16-256": "occurra/siglip2-large-patch16-384 is the 384 px checkpoint",
    "resnet50-in1k": "deepghs/timms has other resnet50 tags and the torchvision/Microsoft ResNet-50 exports are other checkpoints",
}

# sentences of older notes that the study's code has since settled
SETTLED = [
    "The study does not name the timm tag; augreg_in21k assumed where it exists, orig_in21k otherwise.",
    "The study does not say which ImageNet-1k ResNet weights; torchvision's original (tv_in1k) assumed",
    "convnext_large_d at 256 px assumed (the 320 px fine-tunes also exist)",
]


def sentence(text, more):
    """Appends a sentence, ending the text before it with a full stop."""
    text = text.strip()
    if text and not text.endswith("."):
        text += "."
    return (text + " " + more).strip() if more else text


def wired(same_weights):
    return same_weights.startswith("yes") or same_weights.startswith("unsure, likely yes")


def primary_sha(text):
    head = text.split("Alt")[0]
    m = re.search(r"sha256 ([0-9a-f]{64})", head)
    return m.group(1) if m else None


def numbers(s):
    return [float(x) for x in re.search(r"\[([^\]]+)\]", s).group(1).split(",")]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shared", default="../shared")
    a = p.parse_args()
    ref = os.path.join(a.shared, "reference")
    exports = {r["registry_id"]: r for r in csv.DictReader(open(os.path.join(ref, "onnx-exports.tsv")), delimiter="\t")}
    study = {r["registry_id"]: r for r in csv.DictReader(open(os.path.join(ref, "study-preprocessing.tsv")), delimiter="\t")}
    reg = json.load(open(REGISTRY))
    for e in reg["entries"]:
        rid = e["id"]
        if rid not in study:
            continue
        s = study[rid]
        pre = e["preprocessing"]
        crop = int(s["input_size"].split("x")[0])
        resize = int(re.match(r"(\d+)", s["resize_size_as_study_ran"]).group(1))
        assert "shorter side" in s["resize_size_as_study_ran"], rid
        pre.update({"resizeSize": resize, "resizeMode": "SHORTER_SIDE", "filter": s["resize_interpolation"].strip(),
                    "cropSize": crop, "mean": numbers(s["mean"]), "std": numbers(s["std"])})
        if rid in NATIVE_RESIZE:
            e["nativeResizeSize"] = NATIVE_RESIZE[rid]
        if "study-preprocessing.tsv" not in e["preprocessingSource"]:
            e["preprocessingSource"] += "; as the study ran it: shared/reference/study-preprocessing.tsv"
        notes = e.get("notes") or ""
        recipe_args = e["source"].get("args") if e["source"]["kind"] == "recipe" else None
        if recipe_args is None:
            m = re.search(r"Recipe alternative: tools/export-onnx/export_onnx.py (.*)$", notes)
            recipe_args = m.group(1).split() if m else None
        for old in SETTLED:
            notes = notes.replace(old, "").strip()
        if rid in CHECKPOINTS and recipe_args is not None and recipe_args != CHECKPOINTS[rid]:
            def what(args):
                return " ".join(args[i + 1] for i, x in enumerate(args) if x in ("--model", "--pretrained"))
            if rid.startswith("siglip"):
                notes = sentence(notes, "Loaded through timm as the study did, with its shorter-side resize and centre crop"
                                        " (open_clip's " + what(recipe_args) + " holds the same big_vision weights, inferred,"
                                        " but squashes)")
            elif what(recipe_args) != what(CHECKPOINTS[rid]):
                notes = sentence(notes, "")
                notes += " Earlier versions of this registry exported " + what(recipe_args) + ": different weights from" \
                         " the study's " + what(CHECKPOINTS[rid]) + "."
            recipe_args = CHECKPOINTS[rid]
        notes = re.sub(r"\s*Recipe alternative: tools/export-onnx/export_onnx.py .*$", "", notes).strip()
        checkpoint = "Study checkpoint: " + s["study_loader"] + "."
        notes = notes.replace(checkpoint, "").strip()
        notes = sentence(notes, checkpoint)
        x = exports.get(rid)
        if x and wired(x["same_weights"]) and x["hub_repo"]:
            out = next(o for prefix, o in OUTPUTS if x["hub_repo"].startswith(prefix))
            inp, tensor, pooling, l2 = out
            rev = x["revision"].strip() or "main"
            size = float(x["size_mb"]) if x["size_mb"].strip() else None
            weights = "same" if x["same_weights"].startswith("yes") else "likely"
            e["source"] = {"kind": "hub", "repo": x["hub_repo"], "revision": rev, "file": x["hub_path"],
                           "sha256": primary_sha(x["same_weights"]), "sizeMb": size, "weights": weights,
                           "l2NormalizedInGraph": l2}
            e["inputName"] = inp
            e["embedding"] = {"tensor": tensor, "pooling": pooling, "l2Normalize": False}
            export = "Hub export " + x["hub_repo"] + "/" + x["hub_path"] + ": " + x["output_tensor"] + "."
            if weights == "likely":
                export += " Same weights as the study's checkpoint: likely, not verified (see onnx-exports.tsv)."
            if l2:
                export += " Its output is L2-normalised inside the graph; the study used the raw encode_image output."
            notes = sentence(export, notes.replace(export, "").strip())
        elif rid in NEAR:
            near = "Near Hub exports: " + NEAR[rid] + ": different weights, not used."
            notes = sentence(re.sub(r"\s+", " ", notes.replace(near, "").replace(checkpoint, "")).strip(), near + " " + checkpoint)
            if recipe_args is not None:
                e["source"] = {"kind": "recipe", "script": e["source"]["script"], "args": recipe_args}
        elif recipe_args is not None and e["source"]["kind"] == "recipe":
            e["source"] = {"kind": "recipe", "script": e["source"]["script"], "args": recipe_args}
        if recipe_args is not None and e["source"]["kind"] == "hub":
            notes += " Recipe alternative: tools/export-onnx/export_onnx.py " + " ".join(recipe_args)
        e["notes"] = notes.strip()
    with open(REGISTRY, "w") as f:
        json.dump(reg, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
