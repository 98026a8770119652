"""Fit biasguard's stereotype model and its calibration on TUNING splits only.

    .venv/bin/python bench/train_biasguard_stereotypes.py /work/shared/data [--cache /tmp/emb.npz]

Rows (one sentence each), all from the tuning halves of the fixed splits:

- positives: ``sent_more`` of CrowS-Pairs' *stereo* pairs;
- negatives: ordinary sentences (PersonaChat turns, TruthfulQA, HaluEval's Wikipedia
  knowledge), WinoBias sentences (particular people in occupations, gendered pronouns)
  and GSM8K word-problem sentences (names, pronouns, money) - the everyday text the
  guard must leave alone;
- generated sentences (``biasguard_templates``, training only): neutral sentences about
  people of each group, and generic statements about groups, hostile and neutral.

Three models:

1. **embedding**: MiniLM sentence vector -> stereotype, logistic (C picked by
   out-of-fold F1). A one-hidden-layer network ranked the tuning rows a little better out
   of fold but did worse on fresh rows and flagged "The doctor said he would call back";
2. **screen**: words and word pairs -> stereotype, logistic (microseconds; ranks which
   sentence is worth embedding);
3. **stacks**, logistic: the out-of-fold logits of (1) and (2) plus who the sentence is
   about (``referents``: generic group subject, names a group, specific subject, pronoun
   only), the generalisation pattern's strength and the cues that stand in for an
   unnamed group (``cues``: trait words, group-implying words). The *full* stack uses
   both models, the *lexical* stack only the screen (for sentences the request's
   embedding budget does not reach).

Each stack's out-of-fold probabilities on the real rows (templates excluded) are then
calibrated with ``bench/calibration.py`` (isotonic; flag where precision >= 0.80, block
where >= 0.98 on these rows) and the knots written to ``data/calibration.json``:
``stereotype`` for sentences that name a group or identity word, ``stereotype_person`` for
sentences about a particular person whose only gender cue is a pronoun,
``stereotype_unanchored`` for the rest that name no group, ``stereotype_lexical``
for named-group sentences scored without their embedding. The
gate (which sentences are embedded at all) keeps 97 % of the positives out of fold.
Only numbers are written: weights, centroids, the screen's word weights, knots.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from biasguard_data import (  # noqa: E402
    CROWS_TO_CATEGORY,
    SEED,
    STEREOTYPE_BASE_RATE,
    Labelled,
    at_base_rate,
    default_controls,
    hash_split,
    load_controls,
    load_crows,
    load_prompts,
    load_winobias,
    split,
    winobias_key,
)
from biasguard_templates import group_statement_templates, neutral_person_templates  # noqa: E402
from calibration import fit_calibrator, save_calibrators  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from guards.analyzers.biasguard.calibrators import CALIBRATION_PATH  # noqa: E402
from guards.analyzers.biasguard.generalisations import GeneralisationPatterns  # noqa: E402
from guards.analyzers.biasguard.groups import get_groups  # noqa: E402
from guards.analyzers.biasguard.referents import referents  # noqa: E402
from guards.analyzers.biasguard.stereotypes import (  # noqa: E402
    MODEL_PATH,
    STRUCTURE_FEATURES,
    embedding_input,
    lexical_features,
    structure,
)
from guards.analyzers.biasguard.text import sentences  # noqa: E402

C_GRID = (0.25, 1.0, 4.0)
NEUTRAL_PERSON_TEMPLATES = 800
GROUP_STATEMENT_TEMPLATES = 400  # of each label
GATE_RECALL = 0.97
SCREEN_MIN_COUNT = 2  # words seen fewer times are left out of the screen
MIN_WORDS = 4
NEVER = 1.01  # a threshold no probability reaches


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def sentence_rows(rows: list[Labelled]) -> list[Labelled]:
    """Multi-sentence texts (word problems) as one row per sentence, as the analyzer reads them."""
    return [Labelled(s.value, r.label, r.group) for r in rows for s in sentences(r.text)
            if len(s.value.split()) >= MIN_WORDS]


def tuning_rows(data: Path) -> tuple[list[Labelled], np.ndarray]:
    """The training rows and a mask of which are real (not generated)."""
    crows = data / "bias" / "crows_pairs_anonymized.csv"
    positives, _ = split(load_crows(crows))
    controls, _ = split(load_controls(default_controls(crows)))
    winobias, _ = hash_split(load_winobias(data / "bias" / "winobias_dev_not_biased.jsonl"), winobias_key)
    gsm8k, _ = hash_split(load_prompts(data / "benign_prompts" / "gsm8k_questions_dev.jsonl"))
    real = positives + controls + winobias + sentence_rows(gsm8k)
    generated = neutral_person_templates(NEUTRAL_PERSON_TEMPLATES) + group_statement_templates(
        GROUP_STATEMENT_TEMPLATES)
    return real + generated, np.array([True] * len(real) + [False] * len(generated))


def embed(texts: list[str], cache: Path | None) -> np.ndarray:
    if cache and cache.exists():
        with np.load(cache, allow_pickle=False) as saved:
            if list(saved["texts"]) == texts:
                return saved["vectors"]
    from guards.analyzers.embeddings import get_embedder

    vectors = get_embedder().embed([embedding_input(t) for t in texts])
    if cache:
        np.savez(cache, texts=np.array(texts), vectors=vectors)
    return vectors


def fit_embedding(vectors: np.ndarray, labels: np.ndarray, folds: StratifiedKFold
                  ) -> tuple[LogisticRegression, np.ndarray]:
    best = None
    for c in C_GRID:
        oof = cross_val_predict(LogisticRegression(C=c, class_weight="balanced", max_iter=3000), vectors, labels,
                                cv=folds, method="predict_proba")[:, 1]
        f1 = _best_f1(labels, oof)
        print(f"embedding C={c}: best out-of-fold F1 {f1:.3f}")
        if best is None or f1 > best[0]:
            best = (f1, c, oof)
    assert best is not None
    model = LogisticRegression(C=best[1], class_weight="balanced", max_iter=3000).fit(vectors, labels)
    return model, best[2]


def fit_screen(texts: list[str], labels: np.ndarray, folds: StratifiedKFold
               ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The lexical screen: weights for words/pairs seen at least twice, and its out-of-fold scores."""
    features = [lexical_features(t) for t in texts]
    counts = Counter(f for fs in features for f in fs)
    keep = {f for f, n in counts.items() if n >= SCREEN_MIN_COUNT}
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in fs if f in keep} for fs in features])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
    oof = cross_val_predict(model, x, labels, cv=folds, method="predict_proba")[:, 1]
    model.fit(x, labels)
    weights = model.coef_[0]
    names = np.array(vectorizer.get_feature_names_out(), dtype=str)
    nonzero = np.abs(weights) >= 1e-3
    params = {"screen_vocabulary": names[nonzero], "screen_weights": weights[nonzero].astype(np.float32),
              "screen_bias": np.float32(model.intercept_[0])}
    return params, oof


def structure_columns(texts: list[str]) -> np.ndarray:
    """Who each sentence is about, how sweeping its wording is, its cues (the stacks' extra columns)."""
    groups = get_groups()
    patterns = GeneralisationPatterns(groups)
    return np.array([structure(referents(groups, t), patterns.strength(t), t) for t in texts])


def fit_stack(columns: np.ndarray, labels: np.ndarray, folds: StratifiedKFold
              ) -> tuple[LogisticRegression, np.ndarray]:
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
    oof = cross_val_predict(model, columns, labels, cv=folds, method="predict_proba")[:, 1]
    return model.fit(columns, labels), oof


def _best_f1(labels: np.ndarray, scores: np.ndarray) -> float:
    order = np.argsort(-scores)
    tp = np.cumsum(labels[order])
    precision = tp / np.arange(1, len(labels) + 1)
    recall = tp / max(labels.sum(), 1)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return float(f1.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (bias/, benign_prompts/, ...)")
    parser.add_argument("--cache", type=Path, help="reuse embeddings saved here by an earlier run")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--calibration", type=Path, default=CALIBRATION_PATH)
    args = parser.parse_args()

    rows, real = tuning_rows(args.data)
    texts = [r.text for r in rows]
    labels = np.array([r.label for r in rows])
    print(f"{int(labels.sum())} positives, {int((1 - labels).sum())} negatives "
          f"({int(real.sum())} real rows, {int((~real).sum())} generated)")
    vectors = embed(texts, args.cache)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)

    embedding, embed_oof = fit_embedding(vectors, labels, folds)
    screen, screen_oof = fit_screen(texts, labels, folds)
    extra = structure_columns(texts)
    full, full_oof = fit_stack(np.column_stack([logit(embed_oof), logit(screen_oof), extra]), labels, folds)
    lexical, lexical_oof = fit_stack(np.column_stack([logit(screen_oof), extra]), labels, folds)
    gate = float(np.quantile(lexical_oof[labels == 1], 1 - GATE_RECALL))
    print(f"gate: keeps {GATE_RECALL:.0%} of positives at {gate:.3f}; passes "
          f"{float((lexical_oof[real & (labels == 0)] >= gate).mean()):.1%} of real negatives (out of fold)")

    # A sentence naming no group or identity word ("The doctor said he would call back")
    # has its own calibrator: among such sentences stereotypes are rare, so the same raw
    # probability means less, and "flag" needs far stronger evidence.
    # Sentences about one particular person whose only gender cue is their pronoun ("The
    # doctor said he would call back") are a third population: WinoBias and word problems
    # are made of them, so there a flag needs the most evidence.
    column = STRUCTURE_FEATURES.index
    anchored = extra[:, column("names_group_or_identity")] > 0
    person = extra[:, column("specific_subject")] * extra[:, column("pronoun_only")] > 0
    calibrators = {}
    for name, oof, rows_used in (("stereotype", full_oof, real & anchored),
                                 ("stereotype_unanchored", full_oof, real & ~anchored & ~person),
                                 ("stereotype_person", full_oof, real & person),
                                 ("stereotype_lexical", lexical_oof, real & anchored)):
        used = np.flatnonzero(rows_used)
        used = used[at_base_rate(labels[used].tolist(), STEREOTYPE_BASE_RATE)]
        calibrator, thresholds = fit_calibrator(oof[used], labels[used], floor=0.0, ceiling=0.995)
        # Flag where even the lower confidence bound of precision reaches 0.80: the rows
        # near that threshold are few, and an isotonic step there would otherwise flag a
        # whole plateau of ordinary sentences. Block keeps the plain >= 0.98 rule.
        _, bounded = fit_calibrator(oof[used], labels[used], floor=0.0, ceiling=0.995, use_bound=True)
        calibrator = dataclasses.replace(calibrator, flag_at=min(bounded.flag_at, calibrator.block_at))
        thresholds = dataclasses.replace(thresholds, flag_at=calibrator.flag_at, flag_precision=bounded.flag_precision,
                                         flag_support=bounded.flag_support)
        if name in ("stereotype_unanchored", "stereotype_person"):
            # Whether a named person stands for a group is a reader's call: at most a flag.
            calibrator = dataclasses.replace(calibrator, block_at=NEVER)
        calibrators[name] = calibrator
        print(f"{name}: flag at {thresholds.flag_at:.3f} (precision {thresholds.flag_precision:.3f}, "
              f"{thresholds.flag_support} rows), block at {thresholds.block_at:.3f} "
              f"(precision {thresholds.block_precision:.3f}, {thresholds.block_support} rows)")

    categories, centroids = [], []
    for category in sorted({v for v in CROWS_TO_CATEGORY.values() if v}):
        members = [i for i, r in enumerate(rows) if r.label and real[i] and CROWS_TO_CATEGORY.get(r.group) == category]
        centroid = vectors[members].mean(axis=0)
        centroids.append(centroid / np.linalg.norm(centroid))
        categories.append(category)

    np.savez_compressed(
        args.out,
        **screen,
        weights=embedding.coef_[0].astype(np.float32),
        bias=np.float32(embedding.intercept_[0]),
        stack_features=np.array(["embedding_logit", "screen_logit", *STRUCTURE_FEATURES]),
        stack_weights=full.coef_[0].astype(np.float32),
        stack_bias=np.float32(full.intercept_[0]),
        lexical_weights=lexical.coef_[0].astype(np.float32),
        lexical_bias=np.float32(lexical.intercept_[0]),
        gate=np.float32(gate),
        centroids=np.array(centroids, dtype=np.float32),
        centroid_categories=np.array(categories),
    )
    save_calibrators(args.calibration, calibrators, meta={
        "stereotype": "bench/train_biasguard_stereotypes.py: out-of-fold stack probabilities, tuning halves of "
                      f"CrowS-Pairs, controls, WinoBias and GSM8K (seed {SEED})"})
    print(f"wrote {args.out} and {args.calibration}")


if __name__ == "__main__":
    main()
