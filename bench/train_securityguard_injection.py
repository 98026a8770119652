"""Train the securityguard injection model and its combiner on the TUNING split only.

    .venv/bin/python bench/train_securityguard_injection.py /work/shared/data/prompt_injection

Writes guards/analyzers/securityguard/data/injection_model.npz: the n-gram logistic
weights (float16), and a combiner fitted on out-of-fold model probabilities plus the
rule families, shifted so that 0.5 is the threshold chosen here (best F1 on the tuning
split subject to a false-positive rate of at most 3 % on its benign role-play prompts).
The reported split is never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from securityguard_datasets import load_injection

from guards.analyzers.securityguard import features
from guards.analyzers.securityguard.injection import combiner_features, prepare
from guards.analyzers.securityguard.injection_model import (
    FEATURE_VERSION,
    MODEL_PATH,
    save_model,
)

SEED = 20261122
C_GRID = (1.0, 4.0, 16.0)
MAX_BENIGN_FPR = 0.03
MIN_SUPPORT = 5  # rows a rule family must fire on to get its own learned weight


def matrix(texts: list[str]) -> sp.csr_matrix:
    ind, val, ptr = [], [], [0]
    for t in texts:
        i, v = features.featurize(t)
        ind.append(i)
        val.append(v)
        ptr.append(ptr[-1] + len(i))
    m = sp.csr_matrix((np.concatenate(val), np.concatenate(ind), np.array(ptr)), shape=(len(texts), features.DIM))
    m.sum_duplicates()
    return m


def lr(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced", solver="liblinear", random_state=SEED)


def out_of_fold(x: sp.csr_matrix, y: np.ndarray, c: float) -> np.ndarray:
    p = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(x, y):
        p[te] = lr(c).fit(x[tr], y[tr]).predict_proba(x[te])[:, 1]
    return p


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    rows = [r for r in load_injection(args.data_dir) if r.split == "tune"]
    y = np.array([r.label for r in rows])
    roleplay_benign = np.array([r.source == "jackhhao" and r.label == 0 for r in rows])
    prepared = [prepare(r.text, thorough=False) for r in rows]
    x = matrix([m for _, m, _ in prepared])
    print(f"tuning rows: {len(rows)} ({int(y.sum())} injection)")

    scores = {c: f1(y, out_of_fold(x, y, c) >= 0.5) for c in C_GRID}
    best_c = max(scores, key=lambda c: scores[c])
    print("5-fold F1 by C:", {c: round(s, 4) for c, s in scores.items()}, "-> C =", best_c)

    p_oof = out_of_fold(x, y, best_c)
    z = np.vstack([combiner_features(float(p), hits) for p, (hits, _, _) in zip(p_oof, prepared, strict=True)])
    stacker = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED).fit(z, y)
    # Families the tuning data never shows (delimiter, encoding, splitting tricks) would
    # get a weight of ~0; give them the mean weight of the families that were learned.
    support = (z[:, 1:] > 0).sum(axis=0)
    learned = stacker.coef_[0][1:][support >= MIN_SUPPORT]
    prior = float(learned[learned > 0].mean()) if (learned > 0).any() else 1.0
    for j in np.flatnonzero(support < MIN_SUPPORT):
        stacker.coef_[0][1 + j] = prior
    s_oof = stacker.predict_proba(z)[:, 1]

    best = (0.0, 0.5)
    for th in np.linspace(0.05, 0.95, 91):
        pred = s_oof >= th
        fpr = float((pred & roleplay_benign).sum() / max(1, roleplay_benign.sum()))
        if fpr <= MAX_BENIGN_FPR and f1(y, pred) > best[0]:
            best = (f1(y, pred), float(th))
    print(f"combiner threshold {best[1]:.2f}: tuning F1 {best[0]:.4f}")

    final = lr(best_c).fit(x, y)
    # Shift the combiner so the chosen threshold sits at 0.5 (the default tenant threshold).
    shift = float(np.log(best[1] / (1 - best[1])))
    meta = {
        "dim": features.DIM, "feature_version": FEATURE_VERSION, "C": best_c, "threshold_on_tune": best[1],
        "tune_rows": len(rows), "combiner_inputs": ["model_logit", "families...", "obfuscated"],
        "trained_on": "deepset + jackhhao tuning split (bench/securityguard_datasets.py)",
    }
    digest = save_model(
        args.out, weights=final.coef_[0].astype(np.float32), bias=float(final.intercept_[0]),
        stack_coef=stacker.coef_[0], stack_bias=float(stacker.intercept_[0]) - shift, meta=meta,
    )
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, sha256 {digest})")
    print("combiner coefficients:", np.round(stacker.coef_[0], 3).tolist())


if __name__ == "__main__":
    main()
