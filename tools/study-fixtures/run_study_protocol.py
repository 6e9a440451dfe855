#!/usr/bin/python3
"""The study's processing-probe and kNN protocol (visual-encoder-traces @ e29c65b,
metadata_prediction/processing_prediction.py + logreg_trainer.py and
processing_semantic_influence/knn_classifier.py + generate_results.py), re-implemented step for
step with Debian's numpy 1.24 / torch 1.13 / scikit-learn 1.2 on CPU, run on the embedding sets
that make_embeddings.sh wrote. It writes study_expected.json beside them: what the study's code
gives on those sets, for the tests of `traces probe --protocol study` and `traces knn`.

What is reproduced exactly as the study's scripts do it:
  * random.seed(22); np.random.seed(22); torch.manual_seed(22) at start (processing_prediction.py).
  * search features: _get_features(22): each train-split image takes one processing drawn by
    np.random.default_rng(22).choice(P, N, replace=True); the test set is every val-split image
    under every processing, concatenated in processing order, labelled by processing index.
  * _split_trainval(X, Y, 0.2): per class in np.unique order, np.where indices shuffled with the
    global random.shuffle, the last int(n * 0.2) to validation.
  * final fits: tmp_seed 0..9, _get_features(tmp_seed), trained on every train-split image.
  * features_norm l2 (torch.nn.functional.normalize on float32), sklearn LogisticRegression(
    penalty l2, C, lbfgs, max_iter 2000, random_state 22); accuracy as the study computes it.
  * kNN: L2-normalised float32 embeddings, similarity features @ negatives.T with the positives'
    columns replaced by features @ positives.T, topk(k), one-hot vote sum, probs.sort descending;
    uniform draws np.random.default_rng(seed).choice(P, N) for seeds 0..9.
What differs: the fixed C values replace Optuna's search for the per-seed fixtures (the search is
run too when python3-optuna is installed, TPESampler(seed=22), 30 trials, for docs/fidelity.md);
all on CPU; kNN in one chunk (chunking does not change any result). Run from the repository root:

    /usr/bin/python3 tools/study-fixtures/run_study_protocol.py
"""
import json
import random
import sys

import numpy as np
import sklearn
import torch
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, "tools/python")
from read_embeddings import read  # noqa: E402

DIR = "core/src/test/resources/fixtures/study"
OPS = ["JPEG75_420", "JPEG75_444", "JPEG85_420", "JPEG85_444", "JPEG95_420", "JPEG95_444"]
TASKS = {"jpeg": OPS, "sharpening": ["JPEG95_444", "SHARPEN_2", "SHARPEN_4"]}
FIXED_C = [1.0, 100.0, 10000.0]
SEED = 22
NEAR_TIE = 5e-7  # about four float32 ulps of a cosine near 1


def set_path(split, op):
    return f"{DIR}/flowers8-{split}__{op}__builtin_lowlevel-stats.safetensors"


def load(split, op):
    t, _ = read(set_path(split, op))
    return torch.from_numpy(t["image_embeddings"].copy()).float(), torch.from_numpy(t["label"].copy()).long()


# ---------------------------------------------------------------- processing probe
def get_features(ops, tmp_seed):
    test_features = None
    test_labels = None
    for i, op in enumerate(ops):
        x, _ = load("val", op)
        lab = torch.ones(x.shape[0], dtype=torch.long) * i
        test_features = x if i == 0 else torch.cat((test_features, x), dim=0)
        test_labels = lab if i == 0 else torch.cat((test_labels, lab), dim=0)
    rng = np.random.default_rng(tmp_seed)
    first, _ = load("train", ops[0])
    trainval = torch.zeros_like(first)
    idxs = rng.choice(len(ops), first.shape[0], replace=True)
    for i, op in enumerate(ops):
        x = first if i == 0 else load("train", op)[0]
        mask = idxs == i
        trainval[mask] = x[mask]
    return trainval, torch.tensor(idxs).long(), test_features, test_labels


def split_trainval(X, Y, per_val=0.2):
    train_inds, val_inds = [], []
    for c in np.unique(Y):
        inds = np.where(Y == c)[0]
        random.shuffle(inds)
        n_val = int(len(inds) * per_val)
        if n_val == 0:
            assert len(inds) >= 2
            n_val = 1
            per_val = n_val / len(inds)
        train_inds.extend(inds[:-n_val].tolist())
        val_inds.extend(inds[-n_val:].tolist())
    train_inds = np.array(train_inds)
    val_inds = np.array(val_inds)
    return (X[train_inds], Y[train_inds]), (X[val_inds], Y[val_inds]), train_inds, val_inds


def l2(train, test):
    return (torch.nn.functional.normalize(train, p=2, dim=1).detach().clone(),
            torch.nn.functional.normalize(test, p=2, dim=1).detach().clone())


def fit_predict(c, xtr, ytr, xte):
    xtr, xte = l2(xtr, xte)
    clf = LogisticRegression(penalty="l2", dual=False, C=c, solver="lbfgs", max_iter=2000, random_state=SEED,
                             verbose=0, n_jobs=-1).fit(xtr.numpy(), ytr.numpy())
    return clf.predict(xte.numpy())


def accuracy(y, pred):
    return float(np.mean(np.equal(y, pred).astype(np.float32)) * 100.0)


def final_fits(ops, c):
    accs, correct = [], []
    for tmp_seed in range(10):
        tv, tvl, te, tel = get_features(ops, tmp_seed)
        pred = fit_predict(c, tv, tvl, te)
        accs.append(accuracy(tel.numpy(), pred))
        correct.append(int(np.sum(np.equal(tel.numpy(), pred))))
    return accs, correct


def processing(ops):
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    tv, tvl, te, tel = get_features(ops, SEED)
    (xtr, ytr), (xva, yva), tr_inds, va_inds = split_trainval(tv, tvl, 0.2)
    out = {"operations": ops, "search_seed": SEED, "search_draw": tvl.tolist(),
           "search_train_rows": tr_inds.tolist(), "search_val_rows": va_inds.tolist(), "test_rows": int(tel.shape[0]),
           "fixed": []}
    for c in FIXED_C:
        accs, correct = final_fits(ops, c)
        out["fixed"].append({"C": c, "per_seed_accuracy_percent": accs, "per_seed_correct": correct,
                             "mean": float(np.mean(accs)), "std": float(np.std(accs))})
    try:
        import optuna
    except ImportError:
        out["optuna_search"] = None
        return out
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial):
        c = trial.suggest_float("C", 1e-5, 1e6, log=True)
        return accuracy(yva.numpy(), fit_predict(c, xtr, ytr, xva))

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(multivariate=False, group=False, seed=SEED),
                                direction="maximize")
    study.optimize(objective, n_trials=30, n_jobs=1, show_progress_bar=False)
    best = study.best_params["C"]
    accs, correct = final_fits(ops, best)
    out["optuna_search"] = {"optuna": optuna.__version__, "trials": 30, "best_C": best,
                            "best_val_accuracy_percent": study.best_value,
                            "trial_C": [t.params["C"] for t in study.trials],
                            "trial_val_accuracy_percent": [t.value for t in study.trials],
                            "per_seed_correct": correct, "mean": float(np.mean(accs)), "std": float(np.std(accs))}
    return out


# ---------------------------------------------------------------- kNN
def normalized(split, op):
    x, y = load(split, op)
    return x / x.norm(dim=-1, keepdim=True), y


@torch.no_grad()
def knn_counts(pos, neg, train_labels, test, test_labels, k, num_classes):
    similarity = test @ neg.T
    if pos is not neg:
        pos_sim = test @ pos.T
        for i in range(pos_sim.shape[0]):
            same = torch.where(test_labels[i] == train_labels)[0]
            similarity[i, same] = pos_sim[i, same]
    _, indices = similarity.topk(k, largest=True, sorted=True)
    b = test_labels.shape[0]
    retrieved = torch.gather(train_labels.view(1, -1).expand(b, -1), 1, indices)
    one_hot = torch.zeros(b * k, num_classes)
    one_hot.scatter_(1, retrieved.view(-1, 1), 1)
    probs = torch.sum(one_hot.view(b, -1, num_classes), 1)
    top, predictions = probs.sort(1, True)
    correct = int(predictions.eq(test_labels.view(-1, 1)).narrow(1, 0, 1).sum().item())
    ties = int((top[:, 0] == top[:, 1]).sum().item()) if num_classes > 1 else 0
    # not the study's: queries whose k-th and (k+1)-th candidates are closer than NEAR_TIE in exact
    # (float64) cosine, so any float32 summation order may rank them either way
    s64 = test.double() @ neg.double().T
    if pos is not neg:
        p64 = test.double() @ pos.double().T
        for i in range(p64.shape[0]):
            same = torch.where(test_labels[i] == train_labels)[0]
            s64[i, same] = p64[i, same]
    v, _ = s64.topk(k + 1, largest=True, sorted=True)
    near = int(((v[:, k - 1] - v[:, k]) < NEAR_TIE).sum().item())
    return correct, ties, near


def knn(k):
    train = {op: normalized("train", op) for op in OPS}
    val = {op: normalized("val", op) for op in OPS}
    labels = train[OPS[0]][1]
    nc = int(labels.max().item()) + 1
    rows = []
    for p in OPS:
        q, ql = val[p]
        for pos in OPS:
            for neg in OPS:
                if not (pos == p or neg == p or pos == neg):
                    continue  # generate_results.py reads only these four kinds
                pf = train[pos][0]
                nf = pf if neg == pos else train[neg][0]
                c, t, near = knn_counts(pf, nf, labels, q, ql, k, nc)
                rows.append({"test": p, "positives": pos, "negatives": neg, "correct": c, "study_vote_ties": t,
                             "similarity_near_ties": near})
        for seed in range(10):
            rng = np.random.default_rng(seed)
            mixed = torch.zeros_like(train[OPS[0]][0])
            idxs = rng.choice(len(OPS), mixed.shape[0], replace=True)
            for i, op in enumerate(OPS):
                mask = idxs == i
                mixed[mask] = train[op][0][mask]
            c, t, near = knn_counts(mixed, mixed, labels, q, ql, k, nc)
            rows.append({"test": p, "seed": seed, "correct": c, "study_vote_ties": t, "similarity_near_ties": near})
    return {"k": k, "queries": int(val[OPS[0]][1].shape[0]), "configurations": rows}


if __name__ == "__main__":
    torch.set_num_threads(1)
    doc = {"numpy": np.__version__, "torch": torch.__version__, "sklearn": sklearn.__version__,
           "python": sys.version.split()[0], "study_commit": "e29c65b89be93ee23919761e58606f3d16262f54",
           "processing": {t: processing(ops) for t, ops in TASKS.items()}, "knn": [knn(1), knn(10)]}
    with open(f"{DIR}/study_expected.json", "w") as f:
        json.dump(doc, f, indent=1)
    for task, pr in doc["processing"].items():
        for fx in pr["fixed"]:
            print(task, "C", fx["C"], "mean", round(fx["mean"], 3), "std", round(fx["std"], 3), fx["per_seed_correct"])
        print(task, "optuna", None if pr["optuna_search"] is None
              else {k: pr["optuna_search"][k] for k in ("best_C", "best_val_accuracy_percent", "mean", "std", "per_seed_correct")})
