#!/usr/bin/python3
"""Reference side of the "Linear probe (L-BFGS)" benchmark in BENCHMARKS.md.

Generates a seeded random-cluster embedding set (default 50,000 x 512, 6 classes), writes it
as raw little-endian files that the Java harness reads (so both sides fit the very same
numbers), then times scikit-learn's LogisticRegression(solver="lbfgs", C, max_iter=2000) on
it and writes the figures as JSON.

    /usr/bin/python3 tools/reference/bench_probe.py --out target/bench-probe [--n 50000 --d 512 --k 6 --c 1]

Files written under --out: X.f32 (float32 [n,d] row-major), y.i32 (int32 [n]), meta.json,
sklearn.json (fit seconds, iterations, final objective, train accuracy, versions).
"""
import argparse
import json
import os
import platform
import time

import numpy as np
import scipy
import sklearn
from sklearn.linear_model import LogisticRegression


def make_data(n, d, k, seed, sep):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * sep / np.sqrt(d)
    y = np.arange(n) % k
    rng.shuffle(y)
    x = centres[y] + rng.normal(size=(n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)  # the study's l2 feature normalisation
    return x.astype(np.float32), y.astype(np.int32)


def objective(clf, x, y, c):
    z = x @ clf.coef_.T + clf.intercept_
    z -= z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=1))
    ce = (lse - z[np.arange(len(y)), y]).sum()
    return float(ce + 0.5 / c * (clf.coef_ ** 2).sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=50000)
    ap.add_argument("--d", type=int, default=512)
    ap.add_argument("--k", type=int, default=6)
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--sep", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    x, y = make_data(a.n, a.d, a.k, a.seed, a.sep)
    x.astype("<f4").tofile(os.path.join(a.out, "X.f32"))
    y.astype("<i4").tofile(os.path.join(a.out, "y.i32"))
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump({"n": a.n, "d": a.d, "k": a.k, "c": a.c, "seed": a.seed, "sep": a.sep}, f)
    times = []
    for _ in range(a.repeats):
        clf = LogisticRegression(C=a.c, max_iter=2000)
        t0 = time.perf_counter()
        clf.fit(x, y)
        times.append(time.perf_counter() - t0)
    x64 = x.astype(np.float64)
    res = {
        "implementation": "scikit-learn LogisticRegression(solver='lbfgs')",
        "fit_seconds": times,
        "best_fit_seconds": min(times),
        "iterations": int(clf.n_iter_[0]),
        "objective": objective(clf, x64, y, a.c),
        "train_accuracy": float((clf.predict(x) == y).mean()),
        "sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
        "python": platform.python_version(),

        "n": a.n, "d": a.d, "k": a.k, "c": a.c,
    }
    with open(os.path.join(a.out, "sklearn.json"), "w") as f:
        json.dump(res, f, indent=2)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
