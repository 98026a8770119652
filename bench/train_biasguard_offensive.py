"""Fit biasguard's offensive-language combiner on the Davidson TUNING split only.

    .venv/bin/python bench/train_biasguard_offensive.py /work/shared/data/toxicity/davidson_dev.csv

Features per text: the logit of alt-profanity-check's probability, whether a
second-person insult pattern fires, whether a listed slur occurs. A logistic
regression combines them; its bias is then shifted so that 0.5 is the threshold with
the best out-of-fold F1 on the tuning split among those with at most 8 % false positives. Writes
guards/analyzers/biasguard/data/offensive_model.json. The reported split is never read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from biasguard_data import SEED, best_threshold, load_davidson, split  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import cross_val_predict  # noqa: E402

from guards.analyzers.biasguard.categories import BIAS_CATEGORIES  # noqa: E402
from guards.analyzers.biasguard.lexicon import get_lexicon  # noqa: E402
from guards.analyzers.biasguard.offensive import (  # noqa: E402
    MODEL_PATH,
    OffensiveSignals,
    ProfanityModel,
    insults,
)

# Davidson's "neither" class is the minority; an unconstrained best-F1 threshold buys a
# little recall with many false alarms on ordinary tweets.
MAX_FPR = 0.08


def features(texts: list[str]) -> np.ndarray:
    profanity = ProfanityModel()
    lexicon = get_lexicon()
    rows = []
    for text in texts:
        slur = any(f.type == "slur" for f in lexicon.scan(text, set(BIAS_CATEGORIES)))
        rows.append(OffensiveSignals(profanity.score(text)[0], bool(insults(text)), slur).vector())
    return np.array(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("davidson", help="path to davidson_dev.csv")
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args()

    tune, _report = split(load_davidson(args.davidson))
    labels = np.array([row.label for row in tune])
    x = features([row.text for row in tune])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    out_of_fold = cross_val_predict(model, x, labels, cv=5, method="predict_proba")[:, 1]
    threshold = best_threshold(labels.tolist(), out_of_fold.tolist(), max_fpr=MAX_FPR)
    model.fit(x, labels)
    # Shift the bias so that the tuned threshold sits at probability 0.5.
    shift = math.log(threshold / (1 - threshold))
    params = {
        "about": "Logistic combiner of [logit(profanity), insult, slur]; bias shifted so 0.5 is the "
                 "best-F1 threshold on the Davidson tuning split (see bench/train_biasguard_offensive.py).",
        "features": ["profanity_logit", "insult", "slur"],
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]) - shift, 6),
        "threshold": 0.5,
        "tuned_threshold_before_shift": round(threshold, 4),
        "trained_rows": len(tune),
        "seed": SEED,
    }
    Path(args.out).write_text(json.dumps(params, indent=1) + "\n")
    print(json.dumps(params, indent=1))


if __name__ == "__main__":
    main()
