"""Train healthguard's letter trigram model and tune its gibberish thresholds.

Uses only the ``tune`` split of the clean texts (see ``healthguard_data.py``): letter
trigram counts of their words give ``log2 P(c | a b)`` with add-k smoothing; then the
word threshold and the minimum span length are chosen on the tune split's gibberish set
(max F1 with a false-positive rate of at most 1 %). Writes
``guards/analyzers/healthguard/data/charlm.npz``; the reported split is never read.

    .venv/bin/python bench/train_healthguard_charlm.py /work/shared/data
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from healthguard_data import labelled_sets, load_clean  # noqa: E402

from guards.analyzers.healthguard.gibberish import (  # noqa: E402
    _INDEX,
    ALPHABET,
    MODEL_PATH,
    CharModel,
    candidate_words,
    gibberish_findings,
)


def train_logprobs(texts: list[str], k: float) -> np.ndarray:
    n = len(ALPHABET)
    counts = np.zeros((n, n, n), dtype=np.float64)
    for text in texts:
        for _, _, word in candidate_words(text):
            idx = [0, 0, *(_INDEX[c] for c in word), 0]
            for i in range(2, len(idx)):
                counts[idx[i - 2], idx[i - 1], idx[i]] += 1
    totals = counts.sum(axis=2, keepdims=True)
    return np.log2((counts + k) / (totals + k * n)).astype(np.float32)


def evaluate(model: CharModel, rows: list[tuple[str, int, str]]) -> tuple[float, float]:
    tp = fp = fn = tn = 0
    for text, label, _ in rows:
        hit = bool(gibberish_findings(text, "text", model).findings)
        tp += hit and label
        fp += hit and not label
        fn += (not hit) and label
        tn += (not hit) and not label
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, fp / max(1, fp + tn)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_path")
    parser.add_argument("--smoothing", type=float, default=0.05)
    parser.add_argument("--max-fpr", type=float, default=0.01)
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args()

    clean = load_clean(args.data_path)
    tune_texts = [r["text"] for r in clean if r["split"] == "tune"]
    logprobs = train_logprobs(tune_texts, args.smoothing)
    rows = labelled_sets(clean, "tune")["gibberish"]
    best = None
    for threshold in np.arange(-6.0, -2.4, 0.2):
        for min_letters in (4, 6, 8, 10, 12):
            model = CharModel(logprobs.astype(np.float64), float(threshold), min_letters)
            f1, fpr = evaluate(model, rows)
            if fpr <= args.max_fpr and (best is None or f1 > best[0]):
                best = (f1, fpr, float(threshold), min_letters)
    if best is None:
        print("no setting met the false-positive limit", file=sys.stderr)
        return 1
    f1, fpr, threshold, min_letters = best
    np.savez_compressed(args.out, logprobs=logprobs, word_threshold=np.float32(threshold),
                        min_span_letters=np.int32(min_letters))
    print(f"trained on {len(tune_texts)} tune texts; tuned word_threshold={threshold:.2f} "
          f"min_span_letters={min_letters}: tune F1 {f1:.3f}, FPR {fpr:.3f} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
