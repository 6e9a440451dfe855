#!/usr/bin/python3
"""Parity fixtures for the SGD linear probe: PyTorch's own training loop on small random-cluster
embedding sets, written under core/src/test/resources/fixtures/torch/sgd/.

Run with Debian's system python (python3-torch 1.13 CPU, numpy):

    /usr/bin/python3 tools/reference/sgd_reference.py

The loop is the study's probe trainer: torch.nn.Linear(D, K) trained with F.cross_entropy (mean
over the batch), torch.optim.SGD(model.parameters(), lr, momentum=0.9, weight_decay=wd) (so the
bias is decayed too; dampening 0, no Nesterov) and CosineAnnealingLR(T_max=epochs) stepped once
per epoch after the epoch's optimiser steps. Differences from a stock script, all deliberate:

* float64 throughout (model, inputs, loss): org.encodertraces.probe.SgdTrainer keeps its
  parameters, logits and gradients in double and reads float32 features, so the float32 inputs
  are cast exactly to float64 here and the two sides differ only by summation order;
* weight and bias start at zero, as SgdTrainer starts (instead of nn.Linear's random init);
* each epoch's row order is drawn here (numpy, one permutation per epoch) and stored in the
  fixture; the Java test feeds the same permutations, so no random generators have to agree.
  Batches are consecutive slices of the permutation, the last one smaller when the batch size
  does not divide N (DataLoader with drop_last=False).

Each case file <name>.json holds the trainer's input matrices (already L2-normalised, float32 in
shortest round-trip form), labels, the permutations, and per (lr, wd): the learning rate torch's
scheduler used in each epoch, the per-epoch mean loss (sum over the epoch's batches of
batch-mean loss times batch size, divided by N, losses taken before each step), the final
weight and bias, and the test accuracy.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources", "fixtures", "torch", "sgd")
MOMENTUM = 0.9

CASES = [
    # name, n_train, n_test, d, k, separation, batch size, epochs, [(lr, wd)], seed
    # 300 = 4 * 64 + 44: four full batches and a smaller last one
    ("c4_n300_d16_b64", 300, 200, 16, 4, 3.0, 64, 20, [(0.5, 1e-4), (10.0, 1e-6), (100.0, 1e-12)], 11),
    # overlapping classes, batch 100 does not divide 350 (last batch 50)
    ("c5_n350_d16_b100_overlap", 350, 200, 16, 5, 1.0, 100, 20, [(1.0, 1e-5), (10.0, 1e-4)], 12),
    # the study's batch 1024 over more than 1024 rows: one batch of 1024 (two gradient blocks on
    # the Java side) and a last one of 176
    ("c3_n1200_d8_b1024", 1200, 300, 8, 3, 2.0, 1024, 20, [(3.0, 1e-6), (30.0, 1e-8)], 13),
]


def clusters(n, d, k, rng, centres):
    y = np.arange(n) % k  # balanced
    rng.shuffle(y)
    x = centres[y] + rng.normal(size=(n, d)) + 0.5
    return x.astype(np.float32), y.astype(np.int64)


def l2(x):
    x = x.astype(np.float64)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def train(xtr, ytr, k, perms, bs, epochs, lr, wd):
    n, d = xtr.shape
    x = torch.from_numpy(xtr.astype(np.float64))
    y = torch.from_numpy(ytr)
    model = torch.nn.Linear(d, k).double()
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, weight_decay=wd,
                          dampening=0, nesterov=False)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    lrs, losses = [], []
    for e in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        perm = torch.from_numpy(perms[e])
        total = 0.0
        for s in range(0, n, bs):
            idx = perm[s:s + bs]
            loss = F.cross_entropy(model(x[idx]), y[idx], reduction="mean")
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        losses.append(total / n)
        sched.step()
    return model, lrs, losses


def matrix(x):
    return "[" + ",".join("[" + ",".join(np.format_float_positional(v, unique=True, trim="-") for v in row) + "]"
                          for row in x) + "]"


def main():
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for name, ntr, nte, d, k, sep, bs, epochs, hps, seed in CASES:
        rng = np.random.default_rng(seed)
        centres = rng.normal(size=(k, d))
        centres *= sep / np.linalg.norm(centres, axis=1, keepdims=True)
        xtr, ytr = clusters(ntr, d, k, rng, centres)
        xte, yte = clusters(nte, d, k, rng, centres)
        xtr, xte = l2(xtr), l2(xte)
        perms = [rng.permutation(ntr) for _ in range(epochs)]
        fits = []
        for lr, wd in hps:
            model, lrs, losses = train(xtr, ytr, k, perms, bs, epochs, lr, wd)
            with torch.no_grad():
                pred = model(torch.from_numpy(xte.astype(np.float64))).argmax(dim=1).numpy()
            fits.append({
                "lr": lr, "weight_decay": wd,
                "epoch_lr": lrs,
                "epoch_loss": losses,
                "test_accuracy": float((pred == yte).mean()),
                "weight": model.weight.detach().numpy().tolist(),
                "bias": model.bias.detach().numpy().tolist(),
            })
        doc = {
            "name": name, "k": k, "d": d, "separation": sep, "normalization": "l2 (applied)", "seed": seed,
            "batch_size": bs, "epochs": epochs, "momentum": MOMENTUM, "dtype": "float64",
            "generator": "tools/reference/sgd_reference.py",
            "torch": torch.__version__, "numpy": np.__version__,
            "x_train": "@X_TRAIN@", "y_train": ytr.tolist(),
            "x_test": "@X_TEST@", "y_test": yte.tolist(),
            "permutations": [p.tolist() for p in perms],
            "fits": fits,
        }
        text = json.dumps(doc)
        text = text.replace('"@X_TRAIN@"', matrix(xtr)).replace('"@X_TEST@"', matrix(xte))
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(text)
        print(name, [(f["lr"], f["weight_decay"], f["test_accuracy"], round(f["epoch_loss"][-1], 6),
                      round(float(np.abs(f["weight"]).max()), 3)) for f in fits])


if __name__ == "__main__":
    main()
