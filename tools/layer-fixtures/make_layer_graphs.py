"""Tiny randomly initialised ViT, ResNet and ConvNeXt graphs (torchvision's own model classes, shrunk) exported
to ONNX, to check that `traces audit --layers auto` finds their residual blocks from the graph structure alone.

Run with Debian's python3-torch and python3-torchvision (no download, no onnx package needed):
    /usr/bin/python3 tools/layer-fixtures/make_layer_graphs.py core/src/test/resources/org/encodertraces/encoder/onnx/layers
Writes vit.onnx, resnet.onnx, convnext.onnx and expected.json (per graph: the number of residual blocks the
architecture has and the tensors that are their outputs, read from the exporter's node names).
"""
import json
import os
import sys

import torch
import torchvision
from torchvision.models.convnext import CNBlockConfig

torch.manual_seed(0)


def tiny_resnet():
    from torch import nn
    from torchvision.models.resnet import BasicBlock

    def down(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 1, stride=2, bias=False), nn.BatchNorm2d(o))
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                         BasicBlock(8, 8), BasicBlock(8, 16, 2, down(8, 16)), BasicBlock(16, 32, 2, down(16, 32)),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

models = {
    # 3 encoder blocks of a ViT: each adds twice (after attention, after the MLP); the block's end is the second add
    "vit": (torchvision.models.VisionTransformer(image_size=32, patch_size=16, num_layers=3, num_heads=2, hidden_dim=16, mlp_dim=32,
                                                  num_classes=10),
            3),
    # torchvision's ResNet blocks at narrow widths: 3 BasicBlocks, two of them with a projection shortcut (1x1 conv + BN,
    # as ResNet's downsample), each followed by ReLU; the full-width ResNet-18 is 20 MB
    "resnet": (tiny_resnet(), 3),
    # a ConvNeXt of two stages with 2 and 1 blocks (stochastic depth and layer scale as torchvision builds them)
    "convnext": (torchvision.models.convnext.ConvNeXt([CNBlockConfig(8, 16, 2), CNBlockConfig(16, None, 1)], num_classes=10), 3),
}
expected = {}
for name, (m, blocks) in models.items():
    m.eval()
    x = torch.randn(1, 3, 32, 32)
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(m, (x,), path, input_names=["pixel_values"], output_names=["logits"],
                      dynamic_axes={"pixel_values": {0: "N"}, "logits": {0: "N"}}, opset_version=17)
    expected[name] = {"blocks": blocks}
    print(path, os.path.getsize(path))
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
