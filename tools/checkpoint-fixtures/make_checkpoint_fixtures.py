#!/usr/bin/env python3
"""Writes the checkpoint fixtures of org.encodertraces.encoder.checkpoint's tests.

Run with Debian's torch (apt-get install python3-torch python3-torchvision; made with
torch 1.13.1 and torchvision 0.14.1):

    /usr/bin/python3 tools/checkpoint-fixtures/make_checkpoint_fixtures.py [PART ...]

(PART names one of the functions in PARTS at the end; none runs them all.)

Writes under core/src/test/resources/org/encodertraces/encoder/checkpoint/:

- nested.pth: a torch.save'd dict as MoCo v3 and DINO publish them (epoch, arch, an optimizer
  state and a state_dict under module.base_encoder.), holding float32, float16, bfloat16, int64
  and a non-contiguous (transposed) tensor that shares its storage; nested.expected.json holds
  every tensor's shape and values for the reader's test.
- tiny-resnet-moco.pth.tar: the real torchvision ResNet-50 key layout (depths 3, 4, 6, 3,
  torchvision's Bottleneck blocks, downsample.0/.1) at base width 8 instead of 64, random
  weights and batch-norm statistics, nested as MoCo v3's r-50-1000ep.pth.tar is
  (state_dict -> module.base_encoder.*, plus a predictor that is not the encoder);
  tiny-resnet.expected.json holds torch's pooled features (fc = Identity, eval mode) for the
  input tensor x[n,c,h,w] = ((7n + 13c + 3h + 5w) mod 17) / 8 - 1 of shape [2, 3, 64, 64].
- resnet50-seeded.expected.json: torch's pooled features of a FULL-SIZE torchvision/timm
  ResNet-50 whose weights are the seeded formula below (the Java test writes the same weights
  into a temporary safetensors file, so the 100 MB checkpoint is never committed), for the image
  resnet50-input.png (224x224, made here) preprocessed as registry entry resnet50-in1k says
  (no resize, no crop at 224x224; /255, ImageNet mean and std).

The seeded formula, in double precision then rounded to float32, for a tensor named K:
  h = polynomial hash of K's UTF-8 bytes (h = (h*31 + b) mod 2^31, from 0)
  x = (i*1103515245 + h) mod 2^31; x = (x*1103515245 + 12345) mod 2^31; u = x/2^30 - 1
  conv / linear weight: u * sqrt(3) * sqrt(2 / fan_in);  linear bias: 0.01 u
  bn weight: 1 + 0.1 u; bn bias: 0.1 u; running_mean: 0.1 u; running_var: 1 + 0.25 (u + 1)
  num_batches_tracked: 0
"""
import json
import math
import pathlib
from collections import OrderedDict

import torch
import torchvision
from PIL import Image
from torchvision.models.resnet import Bottleneck

OUT = pathlib.Path(__file__).resolve().parent.parent.parent / "core/src/test/resources/org/encodertraces/encoder/checkpoint"


def tensor_json(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().float().reshape(-1).tolist()]}


def nested():
    g = torch.Generator().manual_seed(26)
    base = torch.randn(3, 2, generator=g)
    sd = OrderedDict()
    sd["module.base_encoder.patch_embed.proj.weight"] = torch.randn(2, 3, generator=g)
    sd["module.base_encoder.half"] = torch.randn(4, generator=g).half()
    sd["module.base_encoder.bf16"] = torch.randn(3, generator=g).bfloat16()
    sd["module.base_encoder.transposed"] = base.t()
    sd["module.base_encoder.same_storage"] = base
    sd["module.base_encoder.bn.num_batches_tracked"] = torch.tensor(12345, dtype=torch.int64)
    sd["module.predictor.0.weight"] = torch.randn(2, 2, generator=g)
    ckpt = {"epoch": 300, "arch": "vit_small", "lr": 1.5e-4, "flags": [True, None, (1, "two")],
            "state_dict": sd,
            "optimizer": {"state": {0: {"exp_avg": torch.zeros(2)}}, "param_groups": [{"lr": 0.1, "params": [0]}]}}
    torch.save(ckpt, OUT / "nested.pth")
    expected = {k[len("module.base_encoder."):]: tensor_json(v) for k, v in sd.items() if k.startswith("module.base_encoder.")}
    (OUT / "nested.expected.json").write_text(json.dumps(expected, indent=1) + "\n")


class TinyResNet(torch.nn.Module):
    """torchvision's ResNet-50 layout at another base width (torchvision hard-codes 64)."""

    def __init__(self, width, layers=(3, 4, 6, 3)):
        super().__init__()
        self.inplanes = width
        self.conv1 = torch.nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(width)
        self.relu = torch.nn.ReLU(inplace=True)
        self.maxpool = torch.nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(width, layers[0], 1)
        self.layer2 = self._make_layer(width * 2, layers[1], 2)
        self.layer3 = self._make_layer(width * 4, layers[2], 2)
        self.layer4 = self._make_layer(width * 8, layers[3], 2)

    def _make_layer(self, planes, blocks, stride):
        down = None
        if stride != 1 or self.inplanes != planes * 4:
            down = torch.nn.Sequential(torch.nn.Conv2d(self.inplanes, planes * 4, 1, stride, bias=False),
                                       torch.nn.BatchNorm2d(planes * 4))
        mods = [Bottleneck(self.inplanes, planes, stride, down)]
        self.inplanes = planes * 4
        mods += [Bottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return torch.nn.Sequential(*mods)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)


def randomise_bn(model, g):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.weight.data = 1 + 0.1 * torch.randn(n, generator=g)
            m.bias.data = 0.1 * torch.randn(n, generator=g)
            m.running_mean = 0.1 * torch.randn(n, generator=g)
            m.running_var = 1 + 0.25 * torch.rand(n, generator=g)


def formula_input(n, c, h, w):
    i = torch.arange(n).view(n, 1, 1, 1) * 7 + torch.arange(c).view(1, c, 1, 1) * 13 \
        + torch.arange(h).view(1, 1, h, 1) * 3 + torch.arange(w).view(1, 1, 1, w) * 5
    return (i % 17).float() / 8 - 1


def tiny_resnet():
    torch.manual_seed(26)
    g = torch.Generator().manual_seed(261)
    model = TinyResNet(8)
    randomise_bn(model, g)
    model.eval()
    sd = OrderedDict(("module.base_encoder." + k, v) for k, v in model.state_dict().items())
    sd["module.base_encoder.fc.weight"] = torch.randn(10, 256, generator=g)
    sd["module.base_encoder.fc.bias"] = torch.randn(10, generator=g)
    sd["module.predictor.0.weight"] = torch.randn(4, 10, generator=g)
    torch.save({"epoch": 1000, "arch": "resnet50", "state_dict": sd, "optimizer": {"state": {}, "param_groups": []}},
               OUT / "tiny-resnet-moco.pth.tar")
    with torch.no_grad():
        out = model(formula_input(2, 3, 64, 64))
    (OUT / "tiny-resnet.expected.json").write_text(json.dumps(
        {"input": "x[n,c,h,w] = ((7n + 13c + 3h + 5w) mod 17) / 8 - 1, shape [2, 3, 64, 64]",
         "tolerance": "1e-4 relative to the largest |feature|", "features": tensor_json(out)}) + "\n")


def key_hash(name):
    h = 0
    for b in name.encode("utf-8"):
        h = (h * 31 + b) % 2**31
    return h


def seeded(name, shape):
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.int64)
    x = (i * 1103515245 + key_hash(name)) % 2**31
    x = (x * 1103515245 + 12345) % 2**31
    u = x.double() / 2**30 - 1
    last = name.rsplit(".", 1)[1]
    if last == "num_batches_tracked":
        return torch.zeros((), dtype=torch.int64)
    if len(shape) >= 2:
        fan_in = math.prod(shape[1:])
        v = u * math.sqrt(3) * math.sqrt(2 / fan_in)
    elif name.startswith("fc."):
        v = 0.01 * u
    elif last == "weight":
        v = 1 + 0.1 * u
    elif last == "bias" or last == "running_mean":
        v = 0.1 * u
    elif last == "running_var":
        v = 1 + 0.25 * (u + 1)
    else:
        raise ValueError(name)
    return v.float().reshape(shape)


def resnet50_seeded():
    model = torchvision.models.resnet50()
    sd = OrderedDict((k, seeded(k, list(v.shape))) for k, v in model.state_dict().items())
    model.load_state_dict(sd)
    model.fc = torch.nn.Identity()
    model.eval()
    w = h = 224
    img = Image.new("RGB", (w, h))
    img.putdata([((x * 3 + y) % 256, (x * y) % 251, (255 - x + 2 * y) % 256) for y in range(h) for x in range(w)])
    img.save(OUT / "resnet50-input.png")
    data = torch.tensor(list(img.getdata()), dtype=torch.float32).view(h, w, 3).permute(2, 0, 1) / 255
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    with torch.no_grad():
        out = model(((data - mean) / std).unsqueeze(0))
    (OUT / "resnet50-seeded.expected.json").write_text(json.dumps(
        {"model": "torchvision.models.resnet50 (same keys as timm resnet50), seeded weights (see the script)",
         "input": "resnet50-input.png", "tolerance": "1e-3 relative to the largest |feature|",
         "keys": len(sd), "features": tensor_json(out)}) + "\n")


class TimmBlock(torch.nn.Module):
    """timm's ViT Block: pre-norm attention (fused qkv) and MLP, optional LayerScale (ls1/ls2.gamma)."""

    def __init__(self, d, heads, mlp, eps, layerscale):
        super().__init__()
        self.heads = heads
        self.norm1 = torch.nn.LayerNorm(d, eps=eps)
        self.attn = torch.nn.Module()
        self.attn.qkv = torch.nn.Linear(d, 3 * d)
        self.attn.proj = torch.nn.Linear(d, d)
        self.norm2 = torch.nn.LayerNorm(d, eps=eps)
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(d, mlp)
        self.mlp.fc2 = torch.nn.Linear(mlp, d)
        if layerscale:
            self.ls1 = torch.nn.Module()
            self.ls1.gamma = torch.nn.Parameter(torch.rand(d) + 0.5)
            self.ls2 = torch.nn.Module()
            self.ls2.gamma = torch.nn.Parameter(torch.rand(d) + 0.5)
        self.layerscale = layerscale

    def forward(self, x):
        n, t, d = x.shape
        qkv = self.attn.qkv(self.norm1(x)).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        a = ((q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5).softmax(-1)
        y = self.attn.proj((a @ v).transpose(1, 2).reshape(n, t, d))
        x = x + (y * self.ls1.gamma if self.layerscale else y)
        y = self.mlp.fc2(torch.nn.functional.gelu(self.mlp.fc1(self.norm2(x))))
        return x + (y * self.ls2.gamma if self.layerscale else y)


class TimmViT(torch.nn.Module):
    """timm's VisionTransformer key layout (class token, learned pos_embed over class + patches,
    optional register tokens after the class token, final norm, class-token pooling, a head the
    embedding does not use)."""

    def __init__(self, img=32, patch=8, d=32, depth=2, heads=4, mlp=64, eps=1e-6, regs=0, layerscale=False):
        super().__init__()
        self.patch_embed = torch.nn.Module()
        self.patch_embed.proj = torch.nn.Conv2d(3, d, patch, patch)
        self.cls_token = torch.nn.Parameter(torch.randn(1, 1, d) * 0.5)
        if regs:
            self.reg_token = torch.nn.Parameter(torch.randn(1, regs, d) * 0.5)
        self.regs = regs
        self.pos_embed = torch.nn.Parameter(torch.randn(1, 1 + (img // patch) ** 2, d) * 0.5)
        self.blocks = torch.nn.Sequential(*[TimmBlock(d, heads, mlp, eps, layerscale) for _ in range(depth)])
        self.norm = torch.nn.LayerNorm(d, eps=eps)
        self.head = torch.nn.Linear(d, 10)

    def forward(self, x):
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        if self.regs:
            x = torch.cat([x[:, :1], self.reg_token.expand(x.shape[0], -1, -1), x[:, 1:]], 1)
        return self.norm(self.blocks(x))[:, 0]


class QuickGELU(torch.nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ClipBlock(torch.nn.Module):
    """OpenCLIP's ResidualAttentionBlock: ln_1, nn.MultiheadAttention (in_proj, out_proj), ln_2, mlp.c_fc/c_proj."""

    def __init__(self, d, heads, mlp, quick):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(d)
        self.attn = torch.nn.MultiheadAttention(d, heads)
        self.ln_2 = torch.nn.LayerNorm(d)
        self.mlp = torch.nn.Sequential(OrderedDict([("c_fc", torch.nn.Linear(d, mlp)),
                                                    ("gelu", QuickGELU() if quick else torch.nn.GELU()),
                                                    ("c_proj", torch.nn.Linear(mlp, d))]))

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class ClipVisual(torch.nn.Module):
    """OpenCLIP's VisionTransformer key layout (visual.*): conv1 without bias, class_embedding,
    positional_embedding, ln_pre, transformer.resblocks, ln_post on the class token, proj."""

    def __init__(self, img=32, patch=8, d=32, depth=2, heads=4, mlp=128, out=16, quick=True):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, d, patch, patch, bias=False)
        self.class_embedding = torch.nn.Parameter(torch.randn(d) * 0.5)
        self.positional_embedding = torch.nn.Parameter(torch.randn(1 + (img // patch) ** 2, d) * 0.5)
        self.ln_pre = torch.nn.LayerNorm(d)
        self.transformer = torch.nn.Module()
        self.transformer.resblocks = torch.nn.Sequential(*[ClipBlock(d, heads, mlp, quick) for _ in range(depth)])
        self.ln_post = torch.nn.LayerNorm(d)
        self.proj = torch.nn.Parameter(torch.randn(d, out) * d ** -0.5)

    def forward(self, x):
        x = self.conv1(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_embedding.expand(x.shape[0], 1, -1), x], 1) + self.positional_embedding
        x = self.ln_pre(x).permute(1, 0, 2)
        x = self.transformer.resblocks(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0]) @ self.proj


def randomise_ln(model, g):
    for m in model.modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.weight.data = 1 + 0.2 * torch.randn(m.weight.shape, generator=g)
            m.bias.data = 0.2 * torch.randn(m.bias.shape, generator=g)


def save_safetensors(path, tensors):
    """safetensors without the safetensors package: header JSON + little-endian data."""
    header, blobs, offset = {}, [], 0
    for k, v in tensors.items():
        b = bytes(v.detach().contiguous().float().reshape(-1).view(torch.uint8).tolist())
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for b in blobs:
            f.write(b)


def vits():
    torch.manual_seed(2626)
    g = torch.Generator().manual_seed(262)
    cases = {
        "tiny-vit-timm": (TimmViT(), 2, None),
        "tiny-vit-timm-reg": (TimmViT(regs=4, layerscale=True), 2, None),
        "tiny-vit-openclip": (ClipVisual(quick=True), 2, "visual."),
        "tiny-vit-openclip-gelu": (ClipVisual(quick=False), 2, "visual."),
    }
    expected = {}
    for name, (model, n, prefix) in cases.items():
        randomise_ln(model, g)
        model.eval()
        sd = OrderedDict(((prefix or "") + k, v) for k, v in model.state_dict().items())
        if prefix:
            sd["logit_scale"] = torch.tensor(4.6)
            sd["text_projection"] = torch.randn(8, 16, generator=g)
        save_safetensors(OUT / (name + ".safetensors"), sd)
        with torch.no_grad():
            expected[name] = tensor_json(model(formula_input(n, 3, 32, 32)))
    (OUT / "tiny-vit.expected.json").write_text(json.dumps(
        {"input": "x[n,c,h,w] = ((7n + 13c + 3h + 5w) mod 17) / 8 - 1, shape [2, 3, 32, 32]",
         "tolerance": "1e-4 relative to the largest |feature|", "features": expected}) + "\n")


class LayerNorm2d(torch.nn.LayerNorm):
    """timm's LayerNorm2d: LayerNorm over the channels of an NCHW map."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXtBlock(torch.nn.Module):
    """timm's ConvNeXtBlock with conv_mlp=False: depthwise 7x7, LayerNorm, Linear MLP, gamma."""

    def __init__(self, c, eps):
        super().__init__()
        self.conv_dw = torch.nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.norm = torch.nn.LayerNorm(c, eps=eps)
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(c, 4 * c)
        self.mlp.fc2 = torch.nn.Linear(4 * c, c)
        self.gamma = torch.nn.Parameter(torch.rand(c) + 0.5)

    def forward(self, x):
        y = self.norm(self.conv_dw(x).permute(0, 2, 3, 1))
        y = self.mlp.fc2(torch.nn.functional.gelu(self.mlp.fc1(y))) * self.gamma
        return x + y.permute(0, 3, 1, 2)


class ConvNeXt(torch.nn.Module):
    """timm's ConvNeXt key layout (stem.0/1, stages.i.downsample.0/1, stages.i.blocks.j, head.norm,
    head.fc); the embedding is timm's num_classes=0 forward: global average, head.norm, flatten."""

    def __init__(self, dims=(8, 16, 32, 64), depths=(1, 1, 2, 1), eps=1e-6):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, dims[0], 4, 4), LayerNorm2d(dims[0], eps=eps))
        self.stages = torch.nn.Sequential()
        for i, (d, n) in enumerate(zip(dims, depths)):
            st = torch.nn.Module()
            st.downsample = torch.nn.Identity() if i == 0 else torch.nn.Sequential(
                LayerNorm2d(dims[i - 1], eps=eps), torch.nn.Conv2d(dims[i - 1], d, 2, 2))
            st.blocks = torch.nn.Sequential(*[ConvNeXtBlock(d, eps) for _ in range(n)])
            self.stages.add_module(str(i), st)
        self.head = torch.nn.Module()
        self.head.norm = LayerNorm2d(dims[-1], eps=eps)
        self.head.fc = torch.nn.Linear(dims[-1], 10)

    def forward(self, x):
        x = self.stem(x)
        for st in self.stages:
            x = st.blocks(st.downsample(x))
        return self.head.norm(x.mean((2, 3), keepdim=True)).flatten(1)


class ClipConvNeXt(torch.nn.Module):
    """OpenCLIP's TimmModel around a ConvNeXt trunk (visual.trunk.*) with its head: a Linear
    projection without bias (head.proj) or an MLP (head.mlp.fc1 with bias, GELU, fc2 without)."""

    def __init__(self, proj, eps, out=12):
        super().__init__()
        self.trunk = ConvNeXt(eps=eps)
        del self.trunk.head.fc
        self.head = torch.nn.Module()
        if proj == "linear":
            self.head.proj = torch.nn.Linear(64, out, bias=False)
        else:
            self.head.mlp = torch.nn.Module()
            self.head.mlp.fc1 = torch.nn.Linear(64, 2 * out)
            self.head.mlp.fc2 = torch.nn.Linear(2 * out, out, bias=False)
        self.proj = proj

    def forward(self, x):
        x = self.trunk(x)
        if self.proj == "linear":
            return self.head.proj(x)
        return self.head.mlp.fc2(torch.nn.functional.gelu(self.head.mlp.fc1(x)))


def convnexts():
    torch.manual_seed(2627)
    g = torch.Generator().manual_seed(263)
    cases = {
        "tiny-convnext-timm": (ConvNeXt(), None),
        "tiny-convnext-openclip-linear": (ClipConvNeXt("linear", 1e-6), "visual."),
        "tiny-convnext-openclip-mlp-eps5": (ClipConvNeXt("mlp", 1e-5), "visual."),
    }
    expected = {}
    for name, (model, prefix) in cases.items():
        randomise_ln(model, g)
        model.eval()
        sd = OrderedDict(((prefix or "") + k, v) for k, v in model.state_dict().items())
        save_safetensors(OUT / (name + ".safetensors"), sd)
        with torch.no_grad():
            expected[name] = tensor_json(model(formula_input(2, 3, 64, 64)))
    (OUT / "tiny-convnext.expected.json").write_text(json.dumps(
        {"input": "x[n,c,h,w] = ((7n + 13c + 3h + 5w) mod 17) / 8 - 1, shape [2, 3, 64, 64]",
         "tolerance": "1e-4 relative to the largest |feature|", "features": expected}) + "\n")


class AttnPoolLatent(torch.nn.Module):
    """timm's AttentionPoolLatent as timm's VisionTransformer makes it for global_pool='map'
    (SigLIP's "MAP" head; timm/layers/attention_pool.py): one learned latent query, q and packed
    kv projections with bias, multi-head attention over the tokens, proj, then y + mlp(norm(y)),
    the latent token as output. The MLP's activation is the ViT's (nn.GELU: timm's
    vit_*_siglip_* model_args set no act_layer)."""

    def __init__(self, d, heads, mlp, eps):
        super().__init__()
        self.heads = heads
        self.latent = torch.nn.Parameter(torch.randn(1, 1, d) * 0.5)
        self.q = torch.nn.Linear(d, d)
        self.kv = torch.nn.Linear(d, 2 * d)
        self.proj = torch.nn.Linear(d, d)
        self.norm = torch.nn.LayerNorm(d, eps=eps)
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(d, mlp)
        self.mlp.fc2 = torch.nn.Linear(mlp, d)

    def forward(self, x):
        n, t, d = x.shape
        hd = d // self.heads
        q = self.q(self.latent.expand(n, -1, -1)).reshape(n, 1, self.heads, hd).transpose(1, 2)
        k, v = self.kv(x).reshape(n, t, 2, self.heads, hd).permute(2, 0, 3, 1, 4).unbind(0)
        a = ((q * hd ** -0.5) @ k.transpose(-2, -1)).softmax(-1)
        y = self.proj((a @ v).transpose(1, 2).reshape(n, 1, d))
        y = y + self.mlp.fc2(torch.nn.functional.gelu(self.mlp.fc1(self.norm(y))))
        return y[:, 0]


class SiglipViT(torch.nn.Module):
    """timm's VisionTransformer with class_token=False, global_pool='map' (vit_large_patch16_siglip_256:
    patch_size=16, embed_dim=1024, depth=24, num_heads=16, timm/models/vision_transformer.py): patch
    embedding with bias, pos_embed over the patches only, pre-norm blocks, final norm on every token,
    then the attention pool; num_classes=0 leaves no head."""

    def __init__(self, img=32, patch=8, d=32, depth=2, heads=4, mlp=128, eps=1e-6):
        super().__init__()
        self.patch_embed = torch.nn.Module()
        self.patch_embed.proj = torch.nn.Conv2d(3, d, patch, patch)
        self.pos_embed = torch.nn.Parameter(torch.randn(1, (img // patch) ** 2, d) * 0.5)
        self.blocks = torch.nn.Sequential(*[TimmBlock(d, heads, mlp, eps, False) for _ in range(depth)])
        self.norm = torch.nn.LayerNorm(d, eps=eps)
        self.attn_pool = AttnPoolLatent(d, heads, mlp, eps)

    def forward(self, x):
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2) + self.pos_embed
        return self.attn_pool(self.norm(self.blocks(x)))


class DinoBlock(torch.nn.Module):
    """DINOv2's NestedTensorBlock with LayerScale and SwiGLUFFNFused (dinov2/layers/swiglu_ffn.py:
    hidden = (int(4d * 2 / 3) + 7) // 8 * 8; w12 packs x1 and x2, out = w3(silu(x1) * x2)); with
    packed=True the same MLP under timm's SwiGLUPacked names (mlp.fc1 / mlp.fc2)."""

    def __init__(self, d, heads, eps, packed):
        super().__init__()
        self.heads = heads
        hidden = (int(4 * d * 2 / 3) + 7) // 8 * 8
        self.norm1 = torch.nn.LayerNorm(d, eps=eps)
        self.attn = torch.nn.Module()
        self.attn.qkv = torch.nn.Linear(d, 3 * d)
        self.attn.proj = torch.nn.Linear(d, d)
        self.ls1 = torch.nn.Module()
        self.ls1.gamma = torch.nn.Parameter(torch.rand(d) + 0.5)
        self.norm2 = torch.nn.LayerNorm(d, eps=eps)
        self.mlp = torch.nn.Module()
        self.names = ("fc1", "fc2") if packed else ("w12", "w3")
        setattr(self.mlp, self.names[0], torch.nn.Linear(d, 2 * hidden))
        setattr(self.mlp, self.names[1], torch.nn.Linear(hidden, d))
        self.ls2 = torch.nn.Module()
        self.ls2.gamma = torch.nn.Parameter(torch.rand(d) + 0.5)

    def forward(self, x):
        n, t, d = x.shape
        qkv = self.attn.qkv(self.norm1(x)).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        a = ((q * (d // self.heads) ** -0.5) @ k.transpose(-2, -1)).softmax(-1)
        x = x + self.attn.proj((a @ v).transpose(1, 2).reshape(n, t, d)) * self.ls1.gamma
        x1, x2 = getattr(self.mlp, self.names[0])(self.norm2(x)).chunk(2, dim=-1)
        return x + getattr(self.mlp, self.names[1])(torch.nn.functional.silu(x1) * x2) * self.ls2.gamma


class DinoV2Reg(torch.nn.Module):
    """facebookresearch/dinov2's DinoVisionTransformer key layout as dinov2_vitg14_reg publishes it
    (vit_giant2: embed_dim 1536, depth 40, num_heads 24, ffn_layer swiglufused, img_size 518 ->
    37x37 grid, num_register_tokens 4, interpolate_antialias=True, interpolate_offset=0.0; hub/backbones.py,
    models/vision_transformer.py): cls_token, pos_embed over class + patches, register_tokens
    inserted after the class token, mask_token (unused in the forward), blocks, norm; the output
    is x_norm_clstoken. The positional grid is resampled to the input's grid as
    interpolate_pos_encoding does."""

    def __init__(self, train_img=74, patch=2, d=32, depth=2, heads=4, regs=4, eps=1e-6, packed=False):
        super().__init__()
        self.patch = patch
        self.cls_token = torch.nn.Parameter(torch.randn(1, 1, d) * 0.5)
        self.pos_embed = torch.nn.Parameter(torch.randn(1, 1 + (train_img // patch) ** 2, d) * 0.5)
        self.register_tokens = torch.nn.Parameter(torch.randn(1, regs, d) * 0.5)
        self.mask_token = torch.nn.Parameter(torch.zeros(1, d))
        self.patch_embed = torch.nn.Module()
        self.patch_embed.proj = torch.nn.Conv2d(3, d, patch, patch)
        self.blocks = torch.nn.Sequential(*[DinoBlock(d, heads, eps, packed) for _ in range(depth)])
        self.norm = torch.nn.LayerNorm(d, eps=eps)

    def interpolate_pos_encoding(self, w, h):
        n = self.pos_embed.shape[1] - 1
        m = int(math.sqrt(n))
        w0, h0 = w // self.patch, h // self.patch
        if w0 * h0 == n and w == h:
            return self.pos_embed
        grid = self.pos_embed[:, 1:].reshape(1, m, m, -1).permute(0, 3, 1, 2)
        grid = torch.nn.functional.interpolate(grid, mode="bicubic", antialias=True, size=(w0, h0))
        return torch.cat((self.pos_embed[:, :1], grid.permute(0, 2, 3, 1).reshape(1, w0 * h0, -1)), dim=1)

    def forward(self, x):
        _, _, w, h = x.shape
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1) + self.interpolate_pos_encoding(w, h)
        x = torch.cat((x[:, :1], self.register_tokens.expand(x.shape[0], -1, -1), x[:, 1:]), dim=1)
        return self.norm(self.blocks(x))[:, 0]


def vits_map_swiglu():
    """tiny-vit-siglip: SiglipViT at width 32 on 32x32 inputs (4x4 grid); tiny-vit-dinov2-reg and
    tiny-vit-dinov2-reg-packed: DinoV2Reg at width 32, patch 2, a 37x37 positional grid (as
    ViT-g/14 at 518 px) resampled to the 16x16 grid of 32x32 inputs (as 224 px inputs take it)."""
    torch.manual_seed(2628)
    g = torch.Generator().manual_seed(264)
    cases = {
        "tiny-vit-siglip": SiglipViT(),
        "tiny-vit-dinov2-reg": DinoV2Reg(),
        "tiny-vit-dinov2-reg-packed": DinoV2Reg(packed=True),
    }
    expected = {}
    x = formula_input(2, 3, 32, 32)
    for name, model in cases.items():
        randomise_ln(model, g)
        model.eval()
        save_safetensors(OUT / (name + ".safetensors"), model.state_dict())
        with torch.no_grad():
            expected[name] = tensor_json(model(x))
    with torch.no_grad():  # the same DINOv2 without resampling: the resampling must matter at this tolerance
        model = cases["tiny-vit-dinov2-reg"]
        plain = model.interpolate_pos_encoding
        grid = model.pos_embed[:, 1:].reshape(1, 37, 37, -1).permute(0, 3, 1, 2)
        naive = torch.nn.functional.interpolate(grid, mode="bicubic", antialias=False, size=(16, 16))
        model.interpolate_pos_encoding = lambda w, h: torch.cat(
            (model.pos_embed[:, :1], naive.permute(0, 2, 3, 1).reshape(1, 256, -1)), dim=1)
        expected["tiny-vit-dinov2-reg without antialias"] = tensor_json(model(x))
        model.interpolate_pos_encoding = plain
    (OUT / "tiny-vit-map-swiglu.expected.json").write_text(json.dumps(
        {"input": "x[n,c,h,w] = ((7n + 13c + 3h + 5w) mod 17) / 8 - 1, shape [2, 3, 32, 32]",
         "tolerance": "1e-4 relative to the largest |feature|", "features": expected}) + "\n")


def seeded_value(name, shape):
    """seeded() extended to the ViT keys: keys without a dot (pos_embed, cls_token, ...) and
    LayerScale's 1-D gamma (1 + 0.25 (u + 1), seeded()'s last branch, as the Java test computes it)."""
    if "." in name and len(shape) >= 2 or name.rsplit(".", 1)[-1] in ("weight", "bias"):
        return seeded(name, shape)
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.int64)
    x = (i * 1103515245 + key_hash(name)) % 2**31
    x = (x * 1103515245 + 12345) % 2**31
    u = x.double() / 2**30 - 1
    if len(shape) >= 2:
        v = u * math.sqrt(3) * math.sqrt(2 / math.prod(shape[1:]))
    else:
        v = 1 + 0.25 * (u + 1)
    return v.float().reshape(shape)


def wide_seeded():
    """Full-width, depth-1 versions of the two registry encoders (SigLIP2 ViT-L/16-256: width 1024,
    16 heads, MLP 4096, 16x16 grid at 256 px; DINOv2 ViT-g/14 reg: width 1536, 24 heads, SwiGLU
    hidden 4096, a 37x37 grid resampled to 16x16 at 224 px), with the seeded weights, so the Java
    test runs them through `traces embed --model ID=FILE` with the registry's configuration. Each
    expected file lists the keys and shapes; the Java test writes the same seeded values."""
    img = Image.new("RGB", (256, 256))
    img.putdata([((x * 3 + y) % 256, (x * y) % 251, (255 - x + 2 * y) % 256) for y in range(256) for x in range(256)])
    img.save(OUT / "siglip-input.png")
    cases = {
        "siglip2-vit-l16-256": (SiglipViT(img=256, patch=16, d=1024, depth=1, heads=16, mlp=4096), "siglip-input.png",
                                [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
        "dinov2-reg-vitg14": (DinoV2Reg(train_img=518, patch=14, d=1536, depth=1, heads=24), "resnet50-input.png",
                              [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    }
    for entry, (model, image, mean, std) in cases.items():
        sd = OrderedDict((k, seeded_value(k, list(v.shape))) for k, v in model.state_dict().items())
        model.load_state_dict(sd)
        model.eval()
        im = Image.open(OUT / image)
        w, h = im.size
        data = torch.tensor(list(im.getdata()), dtype=torch.float32).view(h, w, 3).permute(2, 0, 1) / 255
        data = (data - torch.tensor(mean).view(3, 1, 1)) / torch.tensor(std).view(3, 1, 1)
        with torch.no_grad():
            out = model(data.unsqueeze(0))
        (OUT / (entry + "-seeded.expected.json")).write_text(json.dumps(
            {"model": type(model).__name__ + " at full width, depth 1, seeded weights (see the script)", "input": image,
             "tolerance": "1e-3 relative to the largest |feature|",
             "keys": {k: list(v.shape) for k, v in sd.items()}, "features": tensor_json(out)}) + "\n")


PARTS = {"nested": nested, "tiny_resnet": tiny_resnet, "resnet50_seeded": resnet50_seeded, "vits": vits,
         "convnexts": convnexts, "vits_map_swiglu": vits_map_swiglu, "wide_seeded": wide_seeded}

if __name__ == "__main__":
    import sys
    OUT.mkdir(parents=True, exist_ok=True)
    for part in sys.argv[1:] or PARTS:
        PARTS[part]()
