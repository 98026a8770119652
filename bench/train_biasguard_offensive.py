"""Fit biasguard's offensive-language combiner and its calibration on TUNING splits only.

    .venv/bin/python bench/train_biasguard_offensive.py /work/shared/data

Features per text: the logit of alt-profanity-check's probability, whether a
second-person insult pattern fires, whether a listed slur occurs. A logistic
regression combines them (``data/offensive_model.json``).

Its out-of-fold probabilities are calibrated (``bench/calibration.py``; the
``offensive`` entry of ``data/calibration.json``) on the Davidson tuning half *and* the
tuning halves of ordinary text (WinoBias, GSM8K questions, the conversational and
encyclopaedic controls), with Davidson's offensive rows subsampled so that they are
10 % of what the calibrator sees. Davidson alone is 83 % offensive, so a probability
fitted on it says "probably offensive" about a word problem that mentions nuts or
blood, and "precision >= 0.8" is met by almost any threshold; at a 10 % base rate a
score means what it says on everyday traffic.
The reported halves are never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from biasguard_data import (  # noqa: E402
    OFFENSIVE_BASE_RATE,
    SEED,
    at_base_rate,
    default_controls,
    hash_split,
    load_controls,
    load_davidson,
    load_prompts,
    load_winobias,
    split,
    winobias_key,
)
from calibration import fit_calibrator, save_calibrators  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from guards.analyzers.biasguard.calibrators import CALIBRATION_PATH  # noqa: E402
from guards.analyzers.biasguard.categories import BIAS_CATEGORIES  # noqa: E402
from guards.analyzers.biasguard.lexicon import get_lexicon  # noqa: E402
from guards.analyzers.biasguard.offensive import (  # noqa: E402
    MODEL_PATH,
    OffensiveSignals,
    ProfanityModel,
    insults,
)


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
    parser.add_argument("data", type=Path, help="the shared data folder (toxicity/, bias/, benign_prompts/, ...)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--calibration", type=Path, default=CALIBRATION_PATH)
    args = parser.parse_args()

    davidson, _ = split(load_davidson(args.data / "toxicity" / "davidson_dev.csv"))
    crows = args.data / "bias" / "crows_pairs_anonymized.csv"
    ordinary = (split(load_controls(default_controls(crows)))[0]
                + hash_split(load_winobias(args.data / "bias" / "winobias_dev_not_biased.jsonl"), winobias_key)[0]
                + hash_split(load_prompts(args.data / "benign_prompts" / "gsm8k_questions_dev.jsonl"))[0])
    rows = davidson + ordinary
    labels = np.array([row.label for row in rows])
    x = features([row.text for row in rows])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    out_of_fold = cross_val_predict(model, x, labels, cv=folds, method="predict_proba")[:, 1]
    model.fit(x, labels)
    keep = at_base_rate(labels.tolist(), OFFENSIVE_BASE_RATE)
    calibrator, thresholds = fit_calibrator(out_of_fold[keep], labels[keep], ceiling=0.995)
    print(f"offensive: flag at {thresholds.flag_at:.3f} (precision {thresholds.flag_precision:.3f}), "
          f"block at {thresholds.block_at:.3f} (precision {thresholds.block_precision:.3f})")
    params = {
        "about": "Logistic combiner of [logit(profanity), insult, slur] (see bench/train_biasguard_offensive.py); "
                 "its probability is calibrated by the 'offensive' entry of calibration.json.",
        "features": ["profanity_logit", "insult", "slur"],
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "trained_rows": {"davidson": len(davidson), "ordinary": len(ordinary)},
        "seed": SEED,
    }
    args.out.write_text(json.dumps(params, indent=1) + "\n")
    save_calibrators(args.calibration, {"offensive": calibrator}, meta={
        "offensive": "bench/train_biasguard_offensive.py: out-of-fold combiner probabilities, Davidson tuning half "
                     f"plus the tuning halves of WinoBias, GSM8K and the controls, offensive rows subsampled to "
                     f"{OFFENSIVE_BASE_RATE:.0%} (seed {SEED})"})
    print(json.dumps(params, indent=1))


if __name__ == "__main__":
    main()
