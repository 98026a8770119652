"""Fit biasguard's stereotype model on the CrowS-Pairs and control TUNING splits only.

    .venv/bin/python bench/train_biasguard_stereotypes.py /work/shared/data/bias/crows_pairs_anonymized.csv

Positives: ``sent_more`` of CrowS-Pairs' *stereo* pairs. Negatives: ordinary sentences
(PersonaChat turns from TIAGE, TruthfulQA questions/answers, HaluEval's Wikipedia
knowledge; ``--controls`` to change) and generated neutral sentences about people of
each group (``neutral_templates``, training only). Each is embedded with the shared MiniLM model; a
logistic regression (C picked by 5-fold out-of-fold F1) is fitted. A word/word-pair
logistic screen is fitted on the same rows, and a two-weight logistic stack combines the
two models' out-of-fold logits; its bias is shifted so that 0.5 is the best out-of-fold
F1 threshold with at most 5 % false positives.
Per-category centroids of the positives name a claim's category when no group word
does. The screen also decides which sentences are worth embedding: its threshold keeps
97 % of the positives out of fold. Writes only
those numbers (weights, centroids, the screen's word weights) to
guards/analyzers/biasguard/data/stereotype_model.npz.
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
    Labelled,
    best_threshold,
    default_controls,
    load_controls,
    load_crows,
    metrics,
    split,
)
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from guards.analyzers.biasguard.stereotypes import MODEL_PATH, embedding_input, lexical_features  # noqa: E402
from guards.analyzers.embeddings import get_embedder  # noqa: E402

C_GRID = (0.25, 1.0, 4.0)
NEUTRAL_TEMPLATES = 800

# Hard negatives: people of every group doing ordinary things. CrowS-Pairs positives all
# name a group and the ordinary-text controls rarely do, so without these the model
# learns "names a group" instead of "says something stereotyped about it". Training only:
# the reported benchmark uses the real control sentences.
_SUBJECTS = (
    "My neighbour, an old man,", "An elderly woman", "A young Black man", "The Muslim family next door",
    "A Jewish student", "Two gay men", "A lesbian couple", "A disabled veteran", "A blind woman",
    "The deaf student", "An Asian woman", "A Mexican immigrant", "The Chinese tourists", "A Christian pastor",
    "Several women", "The men in my class", "A teenage girl", "A homeless man", "A poor family",
    "A rich businessman", "A transgender woman", "An Indian engineer", "The refugees", "A Hindu priest",
    "My grandmother", "Her Black colleague", "A white farmer", "An autistic boy", "A Latina nurse",
    "The Arab shopkeeper", "Some immigrants", "Older workers", "Young people", "Many Christians",
    "Black voters", "Gay couples", "Muslim students", "Wheelchair users", "Retirees", "Working-class families",
)
_PREDICATES = (
    "attended the town meeting on Tuesday.", "bought groceries at the market this morning.",
    "moved into the apartment upstairs last spring.", "took the early train to the city.",
    "signed up for the evening pottery class.", "planted tomatoes in the community garden.",
    "voted in the local election.", "asked the librarian for a book about birds.",
    "celebrated a birthday with friends at a restaurant.", "waited at the bus stop in the rain.",
    "volunteered at the food bank over the weekend.", "watched the football match on television.",
    "started a new job at the hospital in June.", "adopted a dog from the shelter.",
    "visited relatives during the holidays.", "ran the city marathon last year.",
    "opened a bakery on Main Street.", "wrote a letter to the newspaper about parking.",
    "finished a degree in chemistry.", "repaired the fence behind the house.",
    "joined the choir at the community centre.", "flew to Chicago for a conference.",
    "paid the electricity bill online.", "took photographs of the sunset at the lake.",
    "cooked dinner for the whole family.", "read the morning news on a tablet.",
)


def neutral_templates(count: int) -> list[Labelled]:
    import random

    pairs = [(s, p) for s in _SUBJECTS for p in _PREDICATES]
    random.Random(SEED).shuffle(pairs)
    return [Labelled(f"{s} {p}", 0, "template") for s, p in pairs[:count]]
MAX_FPR = 0.05
SCREEN_RECALL = 0.97
SCREEN_MIN_COUNT = 2  # words seen fewer times are left out of the screen


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def report(name: str, c: float, labels: np.ndarray, oof: np.ndarray) -> float:
    """Print the out-of-fold figures at the best threshold and return that threshold."""
    threshold = best_threshold(labels.tolist(), oof.tolist(), max_fpr=MAX_FPR)
    m = metrics(labels.tolist(), (oof >= threshold).tolist())
    print(f"{name} C={c}: out-of-fold F1 {m['f1']:.3f} P {m['precision']:.3f} R {m['recall']:.3f} "
          f"FPR {m['fpr']:.3f} at {threshold:.3f}")
    return threshold


def fit_screen(texts: list[str], labels: np.ndarray, folds: StratifiedKFold
               ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The lexical screen: weights for words/pairs seen at least twice, and its threshold."""
    counts: dict[str, int] = {}
    features = [lexical_features(t) for t in texts]
    for feature_set in features:
        for f in feature_set:
            counts[f] = counts.get(f, 0) + 1
    keep = {f for f, n in counts.items() if n >= SCREEN_MIN_COUNT}
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in fs if f in keep} for fs in features])
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    oof = cross_val_predict(model, x, labels, cv=folds, method="predict_proba")[:, 1]
    threshold = float(np.quantile(oof[labels == 1], 1 - SCREEN_RECALL))
    print(f"screen: keeps {SCREEN_RECALL:.0%} of positives at {threshold:.3f}; "
          f"passes {float((oof[labels == 0] >= threshold).mean()):.1%} of controls (out of fold)")
    model.fit(x, labels)
    weights = model.coef_[0]
    names = np.array(vectorizer.get_feature_names_out(), dtype=str)
    nonzero = np.abs(weights) >= 1e-3
    params = {"screen_vocabulary": names[nonzero], "screen_weights": weights[nonzero].astype(np.float32),
              "screen_bias": np.float32(model.intercept_[0]), "screen_threshold": np.float32(threshold)}
    return params, oof


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crows", help="path to crows_pairs_anonymized.csv")
    parser.add_argument("--controls", nargs="*", type=Path, help="control sentence files (default: siblings)")
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args()

    positives, _ = split(load_crows(args.crows))
    negatives, _ = split(load_controls(args.controls or default_controls(args.crows)))
    rows = positives + negatives + neutral_templates(NEUTRAL_TEMPLATES)
    labels = np.array([r.label for r in rows])
    vectors = get_embedder().embed([embedding_input(r.text) for r in rows])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)

    best = None
    for c in C_GRID:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        oof = cross_val_predict(model, vectors, labels, cv=folds, method="predict_proba")[:, 1]
        report("embedding", c, labels, oof)
        f1 = metrics(labels.tolist(), (oof >= best_threshold(labels.tolist(), oof.tolist(),
                                                           max_fpr=MAX_FPR)).tolist())["f1"]
        if best is None or f1 > best[0]:
            best = (f1, c, oof)
    assert best is not None
    _, c, embed_oof = best
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(vectors, labels)
    screen, screen_oof = fit_screen([r.text for r in rows], labels, folds)

    # The two views disagree on different sentences (meaning vs wording): a two-weight
    # logistic stack on their out-of-fold logits makes the final call.
    stacked = np.column_stack([logit(embed_oof), logit(screen_oof)])
    stack = LogisticRegression(C=1.0, class_weight="balanced")
    stack_oof = cross_val_predict(stack, stacked, labels, cv=folds, method="predict_proba")[:, 1]
    threshold = report("stacked", 1.0, labels, stack_oof)
    stack.fit(stacked, labels)

    categories, centroids = [], []
    for category in sorted({v for v in CROWS_TO_CATEGORY.values() if v}):
        members = [i for i, r in enumerate(rows) if r.label and CROWS_TO_CATEGORY[r.group] == category]
        centroid = vectors[members].mean(axis=0)
        centroids.append(centroid / np.linalg.norm(centroid))
        categories.append(category)

    np.savez_compressed(
        args.out,
        **screen,
        weights=model.coef_[0].astype(np.float32),
        bias=np.float32(model.intercept_[0]),
        stack_weights=stack.coef_[0].astype(np.float32),
        # Shifted so that the tuned threshold sits at probability 0.5.
        stack_bias=np.float32(stack.intercept_[0] - math.log(threshold / (1 - threshold))),
        threshold=np.float32(0.5),
        centroids=np.array(centroids, dtype=np.float32),
        centroid_categories=np.array(categories),
    )
    print(f"wrote {args.out}: C={c}, stacked threshold {threshold:.3f} (now 0.5), "
          f"{int(labels.sum())} positives, {int((1 - labels).sum())} negatives")


if __name__ == "__main__":
    main()
