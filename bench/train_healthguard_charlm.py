"""Train healthguard's letter trigram model and tune its gibberish thresholds.

Uses only the ``tune`` split of the clean texts (see ``healthguard_data.py``) and the
English word list of the MiniLM tokenizer the repository ships: letter trigram counts of
their words give ``log2 P(c | a b)`` (interpolated with bigram and unigram); then the
word threshold, the span threshold and the minimum span length are chosen on the tune
split's gibberish set (max F1 with a false-positive rate of at most 0.5 %). Writes
``guards/analyzers/healthguard/data/charlm.npz``; the reported split is never read.

    .venv/bin/python bench/train_healthguard_charlm.py /work/shared/data
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from healthguard_data import labelled_sets, load_clean  # noqa: E402

from guards.analyzers.embeddings import TOKENIZER_PATH  # noqa: E402
from guards.analyzers.healthguard.gibberish import (  # noqa: E402
    _INDEX,
    ALPHABET,
    MODEL_PATH,
    CharModel,
    candidate_words,
    gibberish_findings,
)


def vocabulary_words() -> list[str]:
    """Whole English words of the MiniLM WordPiece vocabulary already in the repository.

    A word list covers rare but real words ("apocalypse", "poem") that a few thousand
    sentences never show; it is Apache-2.0 and ships with the shared embedder.
    """
    vocab = json.loads(TOKENIZER_PATH.read_text(encoding="utf-8"))["model"]["vocab"]
    return [w for w in vocab if w.isascii() and w.isalpha() and w.islower() and len(w) >= 3]


def train_logprobs(texts: list[str], weights: tuple[float, float, float], vocab_weight: float) -> np.ndarray:
    """Interpolated trigram model: l3 P(c|ab) + l2 P(c|b) + l1 P(c), in log2.

    Counts come from the words of ``texts`` (as used) plus each vocabulary word
    ``vocab_weight`` times (as spelled); interpolating with the bigram and unigram keeps
    letter sequences never seen as a trigram from looking impossible.
    """
    n = len(ALPHABET)
    counts = np.zeros((n, n, n), dtype=np.float64)

    def add(word: str, weight: float) -> None:
        idx = [0, 0, *(_INDEX[c] for c in word), 0]
        for i in range(2, len(idx)):
            counts[idx[i - 2], idx[i - 1], idx[i]] += weight

    for text in texts:
        for _, _, word in candidate_words(text):
            add(word, 1.0)
    for word in vocabulary_words():
        add(word, vocab_weight)
    tri = counts / np.maximum(counts.sum(axis=2, keepdims=True), 1)
    bi_counts = counts.sum(axis=0)  # [b, c]
    bi = bi_counts / np.maximum(bi_counts.sum(axis=1, keepdims=True), 1)
    uni = (bi_counts.sum(axis=0) + 1) / (bi_counts.sum() + n)
    l3, l2, l1 = weights
    probs = l3 * tri + l2 * bi[np.newaxis, :, :] + l1 * uni[np.newaxis, np.newaxis, :]
    return np.log2(probs).astype(np.float32)


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
    parser.add_argument("--weights", type=float, nargs=3, default=(0.6, 0.3, 0.1),
                        help="interpolation weights of the trigram, bigram and unigram")
    parser.add_argument("--vocab-weight", type=float, default=5.0,
                        help="counts given to each word of the shipped WordPiece vocabulary")
    parser.add_argument("--max-fpr", type=float, default=0.005)
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args()

    clean = load_clean(args.data_path)
    tune_texts = [r["text"] for r in clean if r["split"] == "tune"]
    logprobs = train_logprobs(tune_texts, tuple(args.weights), args.vocab_weight)
    rows = labelled_sets(clean, "tune")["gibberish"]
    best = None
    table, cache = logprobs.astype(np.float64), {}  # word scores do not depend on thresholds
    for threshold in np.arange(-5.0, -3.5, 0.2):
        for span_threshold in np.arange(-7.0, threshold + 0.01, 0.4):
            for min_letters in (6, 8):
                model = CharModel(table, float(threshold), min_letters, float(span_threshold), cache)
                f1, fpr = evaluate(model, rows)
                if fpr <= args.max_fpr and (best is None or f1 > best[0]):
                    best = (f1, fpr, float(threshold), float(span_threshold), min_letters)
    if best is None:
        print("no setting met the false-positive limit", file=sys.stderr)
        return 1
    f1, fpr, threshold, span_threshold, min_letters = best
    np.savez_compressed(args.out, logprobs=logprobs, word_threshold=np.float32(threshold),
                        span_threshold=np.float32(span_threshold), min_span_letters=np.int32(min_letters))
    print(f"trained on {len(tune_texts)} tune texts; tuned word_threshold={threshold:.2f} "
          f"span_threshold={span_threshold:.2f} min_span_letters={min_letters}: "
          f"tune F1 {f1:.3f}, FPR {fpr:.3f} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
