#!/usr/bin/python3
"""LEACE fitting cost, numpy side (the reference), for BENCHMARKS.md "Trace erasure: LEACE fit".

  /usr/bin/python3 tools/erase/bench_leace.py --generate DIR [--rows 50000 --dims 512,1024,2048]
      writes DIR/x_<D>.f32 (raw little-endian float32 [N, D], seed 1234), DIR/y.i32 (6 classes) and DIR/shape.json
  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tools/erase/bench_leace.py --run DIR
      times numpy's LEACE fit on each (mean, covariance x^T x, eigh, whitened cross-covariance, svd, the factors)
      and writes DIR/map_<D>.f64 (the D x D map I - W^+ Q Q^T W) for the agreement check of `traces bench-erase DIR`

Same algorithm and cut-offs as tools/erase/make_leace_fixtures.py (and the Java Leace class).
"""
import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

EIG_TOL = 1e-10
SVD_TOL = 1e-8
K = 6


def fit(x, y):
    n, d = x.shape
    mu = x.mean(0, dtype=np.float64)
    xc = x.astype(np.float64) - mu
    s = xc.T @ xc / n
    lam, v = np.linalg.eigh(s)
    keep = lam > EIG_TOL * lam.max()
    z = np.eye(K)[y]
    sxz = xc.T @ (z - z.mean(0)) / n
    vk = v[:, keep]
    a = vk @ ((vk.T @ sxz) / np.sqrt(lam[keep])[:, None])
    u, sv, _ = np.linalg.svd(a, full_matrices=False)
    q = u[:, sv > SVD_TOL * sv.max()]
    left = vk @ ((vk.T @ q) * np.sqrt(lam[keep])[:, None])
    right = vk @ ((vk.T @ q) / np.sqrt(lam[keep])[:, None])
    return mu, left, right


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generate")
    ap.add_argument("--run")
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--dims", default="512,1024,2048")
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    if a.generate:
        out = Path(a.generate)
        out.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(1234)
        y = rng.integers(0, K, a.rows).astype(np.int32)
        y.tofile(out / "y.i32")
        dims = [int(v) for v in a.dims.split(",")]
        for d in dims:
            mix = rng.normal(size=(d, d)).astype(np.float32) / np.sqrt(d)
            x = rng.normal(size=(a.rows, d)).astype(np.float32) @ mix
            x[:, :K] += 0.5 * np.eye(K, dtype=np.float32)[y]
            x.astype("<f4").tofile(out / f"x_{d}.f32")
        (out / "shape.json").write_text(json.dumps({"rows": a.rows, "dims": dims, "classes": K}))
    if a.run:
        out = Path(a.run)
        shape = json.loads((out / "shape.json").read_text())
        n = shape["rows"]
        y = np.fromfile(out / "y.i32", dtype="<i4")
        print(f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
        for d in shape["dims"]:
            x = np.fromfile(out / f"x_{d}.f32", dtype="<f4").reshape(n, d)
            for r in range(a.repeats):
                t = time.perf_counter()
                c = time.process_time()
                mu, left, right = fit(x, y)
                dt = time.perf_counter() - t
                dc = time.process_time() - c
                print(f"numpy LEACE fit N={n} D={d}: {dt:.2f} s wall, {dc:.2f} s CPU (run {r + 1}), rank {left.shape[1]}", flush=True)
            (np.eye(d) - left @ right.T).astype("<f8").tofile(out / f"map_{d}.f64")


if __name__ == "__main__":
    main()
