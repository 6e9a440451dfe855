#!/usr/bin/python3
"""Parity fixtures for the linear probe: scikit-learn's own LogisticRegression on small
random-cluster embedding sets, written under core/src/test/resources/fixtures/sklearn/.

Run with Debian's system python (python3-sklearn 1.2.1, numpy):

    /usr/bin/python3 tools/reference/probe_reference.py

Each case file <name>.json holds float32 train/test matrices (raw, before normalisation), labels,
the normalisation, and for each C: scikit-learn's test accuracy, final objective
(sum of cross-entropy + 0.5/C ||W||^2), coefficients, intercepts and iteration count. The model is
fitted on the normalised matrix cast to float32, exactly what the Java side feeds its trainer.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources", "fixtures", "sklearn")
CS = [1e-3, 1.0, 1e3]

CASES = [
    # name, n_train, n_test, d, k, separation (centre norm / noise), normalisation, seed
    ("clusters4_wide_l2", 400, 200, 32, 4, 6.0, "l2", 1),
    ("clusters5_mid_l2", 400, 200, 32, 5, 3.0, "l2", 2),
    ("clusters6_mid_standard", 400, 200, 32, 6, 3.0, "standard", 3),
    ("clusters6_overlap_l2", 400, 200, 32, 6, 1.2, "l2", 4),
]


def clusters(n, d, k, sep, rng, centres):
    y = np.arange(n) % k  # balanced
    rng.shuffle(y)
    x = centres[y] + rng.normal(size=(n, d)) + 0.5  # offset so that l2 and standard differ
    return x.astype(np.float32), y.astype(np.int64)


def normalise(kind, train, test):
    tr = train.astype(np.float64)
    te = test.astype(np.float64)
    if kind == "l2":
        tr = tr / np.linalg.norm(tr, axis=1, keepdims=True)
        te = te / np.linalg.norm(te, axis=1, keepdims=True)
    elif kind == "standard":
        mean = tr.mean(axis=0)
        sd = tr.std(axis=0)
        sd[sd == 0] = 1.0
        tr = (tr - mean) / sd
        te = (te - mean) / sd
    return tr.astype(np.float32), te.astype(np.float32)


def objective(clf, x, y, c):
    x = x.astype(np.float64)
    z = x @ clf.coef_.T + clf.intercept_
    m = z.max(axis=1, keepdims=True)
    lse = (m[:, 0] + np.log(np.exp(z - m).sum(axis=1)))
    return float((lse - z[np.arange(len(y)), y]).sum() + 0.5 / c * (clf.coef_ ** 2).sum())


def matrix(x):
    return "[" + ",".join("[" + ",".join(np.format_float_positional(v, unique=True, trim="-") for v in row) + "]"
                          for row in x) + "]"


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, ntr, nte, d, k, sep, norm, seed in CASES:
        rng = np.random.default_rng(seed)
        centres = rng.normal(size=(k, d))
        centres *= sep / np.linalg.norm(centres, axis=1, keepdims=True)
        xtr, ytr = clusters(ntr, d, k, sep, rng, centres)
        xte, yte = clusters(nte, d, k, sep, rng, centres)
        ntr_x, nte_x = normalise(norm, xtr, xte)
        fits = []
        for c in CS:
            clf = LogisticRegression(C=c, max_iter=2000)
            clf.fit(ntr_x, ytr)
            fits.append({
                "C": c,
                "test_accuracy": float((clf.predict(nte_x) == yte).mean()),
                "objective": objective(clf, ntr_x, ytr, c),
                "n_iter": int(clf.n_iter_[0]),
                "coef": clf.coef_.tolist(),
                "intercept": clf.intercept_.tolist(),
            })
        doc = {
            "name": name, "k": k, "d": d, "separation": sep, "normalization": norm, "seed": seed,
            "generator": "tools/reference/probe_reference.py",
            "sklearn": sklearn.__version__, "numpy": np.__version__,
            "x_train": "@X_TRAIN@", "y_train": ytr.tolist(),
            "x_test": "@X_TEST@", "y_test": yte.tolist(),
            "fits": fits,
        }
        text = json.dumps(doc)
        # float32 values in their shortest round-trip form keeps the files small
        text = text.replace('"@X_TRAIN@"', matrix(xtr)).replace('"@X_TEST@"', matrix(xte))
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(text)
        print(name, [(f["C"], f["test_accuracy"], f["n_iter"], round(f["objective"], 4)) for f in fits])


if __name__ == "__main__":
    main()
