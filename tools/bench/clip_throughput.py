#!/usr/bin/python3
"""Training-step throughput of the small CLIP of `traces train --objective clip` in PyTorch (Debian's python3-torch).

The network matches org.encodertraces.train.ClipModel array for array (same shapes, same FLOPs; the initial values
are drawn differently, which does not change the arithmetic's cost):
- image tower, CLIP's ViT: a patch convolution without bias, a class token (cls pooling) or the mean of the patch
  tokens (mean pooling), learned positional embeddings, ln_pre, `depth` pre-LayerNorm blocks (separate q, k, v and
  output linears with biases, softmax attention, a 4x MLP with QuickGELU), ln_post on the pooled token, a projection
  matrix without bias;
- text tower: a token embedding, positional embeddings, `text_depth` such blocks with a causal mask added to the
  scores, ln_final, the hidden state at each row's end token, a projection matrix;
- CLIP's symmetric InfoNCE with exp(logit_scale) times the cosine similarity, logit_scale clamped to [0, log 100]
  after each step;
- torch.optim.AdamW (beta 0.9/0.98, eps 1e-6, lr 5e-4, weight decay 0.1 on arrays of rank 2 and more).
Random batches (no data pipeline), as `traces bench-train --objective clip` times them; run both with
tools/bench/clip_throughput.sh.
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, w, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(w)
        self.q = nn.Linear(w, w)
        self.k = nn.Linear(w, w)
        self.v = nn.Linear(w, w)
        self.out = nn.Linear(w, w)
        self.ln2 = nn.LayerNorm(w)
        self.fc1 = nn.Linear(w, 4 * w)
        self.fc2 = nn.Linear(4 * w, w)

    def forward(self, x, mask=None):
        n, t, w = x.shape
        hd = w // self.heads
        a = self.ln1(x)
        q = self.q(a).reshape(n, t, self.heads, hd).transpose(1, 2)
        k = self.k(a).reshape(n, t, self.heads, hd).permute(0, 2, 3, 1)
        v = self.v(a).reshape(n, t, self.heads, hd).transpose(1, 2)
        s = q.matmul(k) * (1 / math.sqrt(hd))
        if mask is not None:
            s = s + mask
        o = s.softmax(-1).matmul(v).transpose(1, 2).reshape(n, t, w)
        x = x + self.out(o)
        f = self.fc1(self.ln2(x))
        f = f * torch.sigmoid(1.702 * f)
        return x + self.fc2(f)


class Clip(nn.Module):
    def __init__(self, a, vocab):
        super().__init__()
        w, tw = a.width, a.text_width
        self.a = a
        self.patch = nn.Conv2d(3, w, a.patch, a.patch, bias=False)
        tokens = (a.size // a.patch) ** 2 + (1 if a.pooling == "cls" else 0)
        if a.pooling == "cls":
            self.class_embedding = nn.Parameter(torch.randn(w) * w ** -0.5)
        self.vpos = nn.Parameter(torch.randn(tokens, w) * w ** -0.5)
        self.ln_pre = nn.LayerNorm(w)
        self.vblocks = nn.ModuleList([Block(w, a.heads) for _ in range(a.depth)])
        self.ln_post = nn.LayerNorm(w)
        self.vproj = nn.Parameter(torch.randn(w, a.embed_dim) * w ** -0.5)
        self.tok = nn.Embedding(vocab, tw)
        self.tpos = nn.Parameter(torch.randn(a.context, tw) * 0.01)
        self.tblocks = nn.ModuleList([Block(tw, a.text_heads) for _ in range(a.text_depth)])
        self.ln_final = nn.LayerNorm(tw)
        self.tproj = nn.Parameter(torch.randn(tw, a.embed_dim) * tw ** -0.5)
        self.logit_scale = nn.Parameter(torch.tensor([math.log(1 / 0.07)]))
        self.register_buffer("mask", torch.full((a.context, a.context), -1e9).triu(1))

    def image(self, x):
        n = x.shape[0]
        h = self.patch(x).flatten(2).transpose(1, 2)
        if self.a.pooling == "cls":
            h = torch.cat([self.class_embedding.reshape(1, 1, -1).expand(n, 1, -1), h], 1)
        h = self.ln_pre(h + self.vpos)
        for b in self.vblocks:
            h = b(h)
        pooled = h[:, 0, :] if self.a.pooling == "cls" else h.mean(1)
        return self.ln_post(pooled).matmul(self.vproj)

    def text(self, ids, end_at):
        h = self.tok(ids) + self.tpos
        for b in self.tblocks:
            h = b(h, self.mask)
        h = self.ln_final(h)
        return h[torch.arange(ids.shape[0]), end_at].matmul(self.tproj)

    def loss(self, img, txt):
        i = img / img.norm(dim=1, keepdim=True).clamp_min(1e-12)
        t = txt / txt.norm(dim=1, keepdim=True).clamp_min(1e-12)
        logits = i.matmul(t.t()) * self.logit_scale.exp()
        labels = torch.arange(i.shape[0])
        return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2, (logits.argmax(1) == labels).sum()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--patch", type=int, default=8)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--pooling", default="cls", choices=["cls", "mean"])
    p.add_argument("--context", type=int, default=32)
    p.add_argument("--text-width", type=int, default=64)
    p.add_argument("--text-depth", type=int, default=2)
    p.add_argument("--text-heads", type=int, default=4)
    p.add_argument("--embed-dim", type=int, default=64)
    p.add_argument("--vocab", type=int, default=4928)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    net = Clip(a, a.vocab)
    decay = [q for q in net.parameters() if q.dim() >= 2]
    rest = [q for q in net.parameters() if q.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=5e-4, betas=(0.9, 0.98), eps=1e-6)
    x = torch.randn(a.batch_size, 3, a.size, a.size)
    ids = torch.zeros(a.batch_size, a.context, dtype=torch.long)
    words = torch.randint(1, a.context - 1, (a.batch_size,))
    for i in range(a.batch_size):
        ids[i, 0] = 2
        ids[i, 1:words[i] + 1] = torch.randint(4, a.vocab, (int(words[i]),))
        ids[i, words[i] + 1] = 3
    end_at = (ids == 3).int().argmax(1)
    phase = [0.0, 0.0, 0.0]

    def step():
        t0 = time.perf_counter()
        loss, _ = net.loss(net.image(x), net.text(ids, end_at))
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        with torch.no_grad():
            net.logit_scale.clamp_(0, math.log(100))
        t3 = time.perf_counter()
        phase[0] += t1 - t0
        phase[1] += t2 - t1
        phase[2] += t3 - t2

    for _ in range(a.warmup):
        step()
    phase[:] = [0.0, 0.0, 0.0]
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    secs = time.perf_counter() - t0
    params = sum(t.numel() for t in net.parameters())
    label = (f"clip-vit-p{a.patch}-w{a.width}-d{a.depth}-h{a.heads}-{a.pooling}-text-w{a.text_width}-d{a.text_depth}"
             f"-c{a.context}-e{a.embed_dim}-{a.size}px")
    ms = [1000 * s / a.steps for s in phase]
    print(f"pytorch {torch.__version__} threads={a.threads} {label} vocab={a.vocab} params={params} batch={a.batch_size} "
          f"steps={a.steps}: {1000 * secs / a.steps:.1f} ms/step, {a.steps * a.batch_size / secs:.0f} img/s "
          f"(forward+loss {ms[0]:.1f}, backward {ms[1]:.1f}, adamw {ms[2]:.1f} ms/step)")


if __name__ == "__main__":
    main()
