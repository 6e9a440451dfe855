#!/usr/bin/python3
"""LEACE reference fixtures for core/src/test/.../erase/LeaceReferenceTest, computed with numpy
alone (Debian's /usr/bin/python3), independently of the Java code: it forms W = S^(-1/2) and
W^+ = S^(1/2) explicitly from numpy.linalg.eigh and the projection from numpy.linalg.svd,
following Belrose et al. 2023 (LEACE), Theorem 3.1 / the concept-erasure package's LeaceFitter:

    S = cov(x) (1/n), S_xz = cov(x, one-hot z) (1/n), W = S^(-1/2) on eigenvalues > EIG_TOL * max,
    Q = orthonormal basis of colspace(W S_xz) (singular values > SVD_TOL * max),
    erase(x) = x - W^+ Q Q^T W (x - mean)

Writes core/src/test/resources/fixtures/erase/leace_<case>.json with the float32 inputs (as exact
decimal doubles), the labels, and the expected mean, D x D map I - W^+ Q Q^T W, rank and erased rows.

  /usr/bin/python3 tools/erase/make_leace_fixtures.py
"""
import json
from pathlib import Path

import numpy as np

EIG_TOL = 1e-10  # the Java defaults (Leace.EIG_TOL, Leace.SVD_TOL)
SVD_TOL = 1e-8
OUT = Path(__file__).resolve().parents[2] / "core/src/test/resources/fixtures/erase"


def leace(x, concepts):
    x = x.astype(np.float64)
    n, d = x.shape
    mu = x.mean(0)
    xc = x - mu
    s = xc.T @ xc / n
    lam, v = np.linalg.eigh(s)
    keep = lam > EIG_TOL * lam.max()
    w = (v[:, keep] / np.sqrt(lam[keep])) @ v[:, keep].T
    wp = (v[:, keep] * np.sqrt(lam[keep])) @ v[:, keep].T
    z = np.concatenate([np.eye(k)[y] for y, k in concepts], axis=1)
    sxz = xc.T @ (z - z.mean(0)) / n
    u, sv, _ = np.linalg.svd(w @ sxz, full_matrices=False)
    q = u[:, sv > SVD_TOL * sv.max()]
    p = wp @ q @ q.T @ w
    return mu, np.eye(d) - p, q.shape[1], int(keep.sum())


def case(name, x, concepts, note):
    x = x.astype(np.float32)
    mu, m, rank, support = leace(x, concepts)
    erased = (x.astype(np.float64) - mu) @ m.T + mu
    # sanity: after erasure every class of every concept has the same mean (the LEACE guarantee)
    for y, k in concepts:
        for c in range(k):
            assert np.allclose(erased[y == c].mean(0), erased.mean(0), atol=1e-9), (name, c)
    doc = {
        "case": name, "note": note, "eig_tol": EIG_TOL, "svd_tol": SVD_TOL,
        "rows": int(x.shape[0]), "dim": int(x.shape[1]), "rank": rank, "support": support,
        "x": [float(v) for v in x.ravel()],
        "concepts": [{"classes": k, "labels": [int(v) for v in y]} for y, k in concepts],
        "mean": mu.tolist(), "map": m.ravel().tolist(), "erased": erased.ravel().tolist(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"leace_{name}.json").write_text(json.dumps(doc))
    print(name, x.shape, "rank", rank, "support", support)


def main():
    rng = np.random.default_rng(20231201)
    # 1) one concept with 3 classes, correlated features, N > D
    n, d = 240, 10
    y = rng.integers(0, 3, n)
    mix = rng.normal(size=(d, d))
    x = rng.normal(size=(n, d)) @ mix + np.array([[2, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, -1, 1, 0, 0, 0, 0, 0, 0, 0],
                                                   [0, 0, 0, 1.5, 0, 0, 0, 0, 0, 0]])[y] @ mix
    case("one_concept", x, [(y, 3)], "3 classes, correlated features, N > D")
    # 2) two concepts (3 and 2 classes) at once, rank-deficient covariance: N < D and one duplicated column
    n, d = 30, 40
    y1 = np.arange(n) % 3
    y2 = (np.arange(n) // 3) % 2
    x = rng.normal(size=(n, d)) + 0.8 * np.eye(3)[y1] @ rng.normal(size=(3, d)) + 0.5 * y2[:, None] * rng.normal(size=(1, d))
    x[:, 7] = x[:, 3]
    case("two_concepts_rank_deficient", x, [(y1, 3), (y2, 2)], "3 + 2 classes, N < D, column 7 = column 3")


if __name__ == "__main__":
    main()
