"""Fit biasguard's stereotype model on the CrowS-Pairs and control TUNING splits only.

    .venv/bin/python bench/train_biasguard_stereotypes.py /work/shared/data/bias/crows_pairs_anonymized.csv

Positives: ``sent_more`` of CrowS-Pairs' *stereo* pairs. Negatives: ordinary sentences
(PersonaChat turns from TIAGE, TruthfulQA questions/answers, HaluEval's Wikipedia
knowledge; ``--controls`` to change). Each is embedded with the shared MiniLM model; a
logistic regression (C picked by 5-fold out-of-fold F1) is fitted, and its bias shifted
so that 0.5 is the best out-of-fold F1 threshold with at most 5 % false positives.
Per-category centroids of the positives name a claim's category when no group word
does. Writes only those numbers to guards/analyzers/biasguard/data/stereotype_model.npz.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from biasguard_data import (  # noqa: E402
    CROWS_TO_CATEGORY,
    SEED,
    best_threshold,
    default_controls,
    load_controls,
    load_crows,
    metrics,
    split,
)
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from guards.analyzers.biasguard.stereotypes import MAX_CHARS, MODEL_PATH  # noqa: E402
from guards.analyzers.embeddings import get_embedder  # noqa: E402

C_GRID = (0.25, 1.0, 4.0)
MAX_FPR = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crows", help="path to crows_pairs_anonymized.csv")
    parser.add_argument("--controls", nargs="*", type=Path, help="control sentence files (default: siblings)")
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args()

    positives, _ = split(load_crows(args.crows))
    negatives, _ = split(load_controls(args.controls or default_controls(args.crows)))
    rows = positives + negatives
    labels = np.array([r.label for r in rows])
    vectors = get_embedder().embed([r.text[:MAX_CHARS] for r in rows])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)

    best = None
    for c in C_GRID:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        oof = cross_val_predict(model, vectors, labels, cv=folds, method="predict_proba")[:, 1]
        threshold = best_threshold(labels.tolist(), oof.tolist(), max_fpr=MAX_FPR)
        m = metrics(labels.tolist(), (oof >= threshold).tolist())
        print(f"C={c}: out-of-fold F1 {m['f1']:.3f} P {m['precision']:.3f} R {m['recall']:.3f} "
              f"FPR {m['fpr']:.3f} at {threshold:.3f}")
        if best is None or m["f1"] > best[0]:
            best = (m["f1"], c, threshold)
    assert best is not None
    _, c, threshold = best
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(vectors, labels)

    categories, centroids = [], []
    for category in sorted({v for v in CROWS_TO_CATEGORY.values() if v}):
        members = [i for i, r in enumerate(rows) if r.label and CROWS_TO_CATEGORY[r.group] == category]
        centroid = vectors[members].mean(axis=0)
        centroids.append(centroid / np.linalg.norm(centroid))
        categories.append(category)

    np.savez_compressed(
        args.out,
        weights=model.coef_[0].astype(np.float32),
        bias=np.float32(model.intercept_[0] - math.log(threshold / (1 - threshold))),
        threshold=np.float32(0.5),
        centroids=np.array(centroids, dtype=np.float32),
        centroid_categories=np.array(categories),
    )
    print(f"wrote {args.out}: C={c}, tuned threshold {threshold:.3f} (now 0.5), "
          f"{int(labels.sum())} positives, {int((1 - labels).sum())} negatives")


if __name__ == "__main__":
    main()
