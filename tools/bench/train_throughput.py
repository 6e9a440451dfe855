#!/usr/bin/python3
"""Training-step throughput of the same residual CNN as `traces train` in PyTorch (Debian's python3-torch).

The network matches org.encodertraces.train.ResNet layer for layer: 3x3 stem conv (no bias) + BN + ReLU,
`stages` stages of `depth` basic blocks (conv-BN-ReLU-conv-BN, identity or 1x1 conv + BN shortcut, ReLU after
the sum), width doubling and stride 2 at each later stage, global average pooling, linear classifier; SGD with
momentum 0.9 and weight decay 5e-4, softmax cross-entropy; random batches (no data pipeline), as
`traces bench-train` times it. Run both with tools/bench/train_throughput.sh.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.sc = None
        if stride != 1 or cin != cout:
            self.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.sc is None else self.sc(x)))


class ResNet(nn.Module):
    def __init__(self, width, depth, stages, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        blocks, c = [], width
        for s in range(stages):
            w = width << s
            for b in range(depth):
                blocks.append(Block(c, w, 2 if s > 0 and b == 0 else 1))
                c = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--stages", type=int, default=3)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    net = ResNet(a.width, a.depth, a.stages)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(a.batch_size, 3, a.size, a.size)
    y = torch.randint(0, 10, (a.batch_size,))
    net.train()

    def step():
        opt.zero_grad(set_to_none=False)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    secs = time.perf_counter() - t0
    params = sum(t.numel() for t in net.parameters())
    print(f"pytorch {torch.__version__} threads={a.threads} resnet-w{a.width}-d{a.depth}-s{a.stages}-{a.size}px params={params} "
          f"batch={a.batch_size} steps={a.steps}: {1000 * secs / a.steps:.1f} ms/step, {a.steps * a.batch_size / secs:.0f} img/s")


if __name__ == "__main__":
    main()
