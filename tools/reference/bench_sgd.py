#!/usr/bin/python3
"""Reference timing for BENCHMARKS.md "Linear probe (SGD)": the study's probe trainer in PyTorch
(nn.Linear, cross-entropy, SGD momentum 0.9 with weight decay, batch 1024, CosineAnnealingLR
stepped per epoch, 100 epochs, float32 as the study trained) on the data that bench_probe.py
wrote (X.f32, y.i32, meta.json), shuffled by a DataLoader-style randperm each epoch.

    /usr/bin/python3 tools/reference/bench_probe.py --out target/bench-probe      # once, writes the data
    /usr/bin/python3 tools/reference/bench_sgd.py target/bench-probe [--lr 1.0 --wd 1e-6 --repeats 3 --threads 2]
"""
import argparse
import json
import os
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--wd", type=float, default=1e-6)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    meta = json.load(open(os.path.join(a.dir, "meta.json")))
    n, d, k = meta["n"], meta["d"], meta["k"]
    x = torch.from_numpy(np.fromfile(os.path.join(a.dir, "X.f32"), dtype="<f4").reshape(n, d))
    y = torch.from_numpy(np.fromfile(os.path.join(a.dir, "y.i32"), dtype="<i4").astype(np.int64))
    for r in range(a.repeats):
        torch.manual_seed(r)
        model = torch.nn.Linear(d, k)
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=a.wd)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs)
        t0 = time.perf_counter()
        for _ in range(a.epochs):
            perm = torch.randperm(n)
            for s in range(0, n, a.batch):
                idx = perm[s:s + a.batch]
                loss = F.cross_entropy(model(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            sched.step()
        secs = time.perf_counter() - t0
        with torch.no_grad():
            acc = (model(x).argmax(1) == y).float().mean().item()
        print(json.dumps({"implementation": "PyTorch %s SGD loop (float32)" % torch.__version__, "threads": torch.get_num_threads(),
                          "fit_seconds": round(secs, 3), "epochs": a.epochs, "train_accuracy": round(acc, 5),
                          "python": platform.python_version(), "n": n, "d": d, "k": k, "lr": a.lr, "wd": a.wd}))


if __name__ == "__main__":
    main()
