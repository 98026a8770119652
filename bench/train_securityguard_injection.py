"""Train the securityguard injection model, its combiner and its calibrator on the TUNING split only.

    .venv/bin/python bench/train_securityguard_injection.py /work/shared/data

Reads the attack sets (deepset + jackhhao) and the benign look-alike and ordinary
prompt sets that may be trained on (NotInject, WildGuard-benign, GSM8K; never the
non-commercial Alpaca-style prompts), each cut by the fixed hash split of
``bench/securityguard_datasets.py``, plus the everyday instructions written for
this project in ``bench/securityguard_ordinary_prompts.py``. Writes:

- ``guards/analyzers/securityguard/data/injection_model.npz``: the hashed n-gram
  logistic weights (float16) and a logistic combiner fitted on out-of-fold model
  probabilities plus the rule families that fired;
- the ``injection`` entry of ``data/calibration.json``: an isotonic map from the
  combiner's output to P(injection), fitted on the out-of-fold outputs, with the
  flag/block thresholds (block: precision >= 0.98 on these rows; flag: precision
  >= 0.80 and at least the operating point that keeps benign look-alikes rare).

The reported split is never read.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from calibration import fit_calibrator, save_calibrators
from securityguard_datasets import floor4, load_benign, load_injection
from securityguard_ordinary_prompts import ordinary_prompts

from guards.analyzers.securityguard import calibrators, features
from guards.analyzers.securityguard.injection import LEARNED, RULED, combiner_features, prepare
from guards.analyzers.securityguard.injection_model import FEATURE_VERSION, MODEL_PATH, save_model
from guards.analyzers.securityguard.injection_rules import FAMILIES, HIDDEN_FAMILY

SEED = 20261122
C_GRID = (1.0, 4.0, 16.0)
MAX_LOOKALIKE_FPR = 0.02  # benign look-alikes (role-play, NotInject, WildGuard) reported at the operating point
MIN_SUPPORT = 5  # rows a rule family must fire on to get its own learned weight
HIDDEN_ALONE = 0.97  # combiner output for an order hidden in markup that the model finds neutral
CEILING = 0.995  # no few-thousand-row tuning set earns a promise of certainty
# A flag says "more likely an attack than not": never below a calibrated 0.5, whatever the
# cumulative precision of the rows above it (trustguard's training applies the same floor).
FLAG_FLOOR = 0.5
LOOKALIKE_SOURCES = frozenset({"notinject", "wildguard", "jackhhao"})


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


def folds(y: np.ndarray, groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    strata = np.array([f"{g}:{v}" for g, v in zip(groups, y, strict=True)])
    return list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), strata))


def out_of_fold(x: sp.csr_matrix, y: np.ndarray, c: float, splits: list) -> np.ndarray:
    p = np.zeros(len(y))
    for tr, te in splits:
        p[te] = lr(c).fit(x[tr], y[tr]).predict_proba(x[te])[:, 1]
    return p


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def operating_point(score: np.ndarray, y: np.ndarray, lookalike: np.ndarray) -> tuple[float, float]:
    """Best-F1 threshold on the attack sets subject to few reports on benign look-alikes."""
    attack_sets = ~np.isnan(y)
    best = (0.0, 0.5)
    for th in np.linspace(0.05, 0.95, 181):
        pred = score >= th
        fpr = float((pred & lookalike).sum() / max(1, lookalike.sum()))
        yy = np.nan_to_num(y).astype(int)
        quality = f1(yy[attack_sets], pred[attack_sets])
        if fpr <= MAX_LOOKALIKE_FPR and quality > best[0]:
            best = (quality, float(th))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, help="the shared data folder (holds prompt_injection/, benign_prompts/)")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    attacks = [r for r in load_injection(args.data_dir / "prompt_injection") if r.split == "tune"]
    benign = [r for r in load_benign(args.data_dir, trainable_only=True) if r.split == "tune"]
    ordinary = ordinary_prompts()
    texts = [r.text for r in attacks] + [r.text for r in benign] + ordinary
    y = np.array([r.label for r in attacks] + [0] * (len(benign) + len(ordinary)))
    source = np.array([r.source for r in attacks] + [r.source for r in benign] + ["ordinary"] * len(ordinary))
    # NaN marks rows outside the attack sets: they count as benign, but F1 is measured on the attack sets.
    y_attack = np.array([float(r.label) for r in attacks] + [np.nan] * (len(benign) + len(ordinary)))
    lookalike = np.array([s in LOOKALIKE_SOURCES for s in source]) & (y == 0)
    prepared = [prepare(t, thorough=False) for t in texts]
    x = matrix([p.model_text for p in prepared])
    splits = folds(y, source)
    print(f"tuning rows: {len(texts)} ({int(y.sum())} injection; benign by source "
          f"{ {s: int(((source == s) & (y == 0)).sum()) for s in sorted(set(source))} })")

    scores = {c: f1(y, out_of_fold(x, y, c, splits) >= 0.5) for c in C_GRID}
    best_c = max(scores, key=lambda c: scores[c])
    print("5-fold F1 by C:", {c: round(s, 4) for c, s in scores.items()}, "-> C =", best_c)

    p_oof = out_of_fold(x, y, best_c, splits)
    z = np.vstack([combiner_features(float(p), prep.hits) for p, prep in zip(p_oof, prepared, strict=True)])
    stacker = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED).fit(z, y)
    # Families the tuning data never shows (delimiter, encoding, splitting, hidden-markup
    # tricks) would get a weight of ~0; give them the mean weight of the learned families,
    # and an order hidden in markup the strongest (nobody hides a harmless request).
    support = (z[:, 1:] > 0).sum(axis=0)
    learned = stacker.coef_[0][1:][support >= MIN_SUPPORT]
    positive = learned[learned > 0]
    prior = float(positive.mean()) if positive.size else 1.0
    for j in np.flatnonzero(support < MIN_SUPPORT):
        stacker.coef_[0][1 + j] = prior
    hidden_j = 1 + FAMILIES.index(HIDDEN_FAMILY)
    if support[hidden_j - 1] < MIN_SUPPORT:
        # A hidden order the model reads as neutral (p = 0.5, logit 0) must alone reach HIDDEN_ALONE.
        needed = float(np.log(HIDDEN_ALONE / (1 - HIDDEN_ALONE))) - float(stacker.intercept_[0]) - float(stacker.coef_[0][-1])
        stacker.coef_[0][hidden_j] = max(prior, needed)
    raw_oof = stacker.predict_proba(z)[:, 1]

    quality, op = operating_point(raw_oof, y_attack, lookalike)
    print(f"operating point: raw {op:.3f} (tuning F1 on attack sets {quality:.4f})")
    ruled = np.array([bool(prep.hits) for prep in prepared])
    fitted, cal_meta = {}, {}
    for name, rows in ((RULED, ruled), (LEARNED, ~ruled)):
        calibrator, th = fit_calibrator(raw_oof[rows], y[rows], ceiling=CEILING)
        flag_at = max(th.flag_at, calibrator(op), FLAG_FLOOR)
        block_at = max(th.block_at, flag_at)
        fitted[name] = replace(calibrator, flag_at=floor4(flag_at), block_at=floor4(block_at))
        cal_meta[name] = {"fitted_on": "out-of-fold combiner outputs, tuning split", "rows": int(rows.sum()),
                          "positives": int(y[rows].sum()), "operating_point_raw": round(op, 4),
                          "block_precision": round(th.block_precision, 4), "block_support": th.block_support}
        print(f"{name}: {int(rows.sum())} rows ({int(y[rows].sum())} injection); flag {flag_at:.3f} "
              f"(precision>=0.80 from {th.flag_at:.3f}), block {block_at:.3f} "
              f"(precision {th.block_precision:.3f} on {th.block_support} rows)")

    final = lr(best_c).fit(x, y)
    meta = {
        "dim": features.DIM, "feature_version": FEATURE_VERSION, "C": best_c, "tune_rows": len(texts),
        "combiner_inputs": ["model_logit", *FAMILIES, "obfuscated"],
        "trained_on": "tuning split of deepset + jackhhao + NotInject + WildGuard-benign + GSM8K "
                      "(bench/securityguard_datasets.py) + bench/securityguard_ordinary_prompts.py",
    }
    digest = save_model(
        args.out, weights=final.coef_[0].astype(np.float32), bias=float(final.intercept_[0]),
        stack_coef=stacker.coef_[0], stack_bias=float(stacker.intercept_[0]), meta=meta,
    )
    save_calibrators(calibrators.CALIBRATION_PATH, fitted, meta=cal_meta)
    calibrators.reload()
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, sha256 {digest}) and {calibrators.CALIBRATION_PATH}")
    print("combiner coefficients:", dict(zip(meta["combiner_inputs"], np.round(stacker.coef_[0], 3).tolist(),
                                               strict=True)))


if __name__ == "__main__":
    main()
