"""Train trustguard's grounding model on the tuning half of HaluEval QA.

Usage (from the repository root):
    .venv/bin/python bench/train_trustguard_grounding.py /work/shared/data/hallucination/halueval_qa_dev.jsonl

Each claim of each answer (right = supported, hallucinated = unsupported) gives one row of
features (``guards.analyzers.trustguard.grounding``). Two logistic regressions are fitted on
all claims: lexical-only, used for every claim, and lexical + embedding, used at run time
only for the claims whose lexical score falls in an "ambiguous" band (chosen here, on the
tuning half: the narrowest band with the best pairwise accuracy, since each embedded claim
costs latency).
Writes ``guards/analyzers/trustguard/data/grounding_weights.json``. The reported half is
never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from trustguard_data import SEED, load_halueval, split  # noqa: E402

from guards.analyzers.embeddings import get_embedder  # noqa: E402
from guards.analyzers.trustguard.claims import split_claims  # noqa: E402
from guards.analyzers.trustguard.grounding import (  # noqa: E402
    FEATURES,
    LEXICAL_FEATURES,
    WEIGHTS_PATH,
    ClaimSupport,
    GroundingModel,
    add_similarity,
    build_evidence,
    claim_features,
    claims_to_embed,
    grounding_score,
)

MAX_EMBEDDED_CLAIMS = 1  # TrustGuard's default ``max_embedded_claims``
BANDS = ((0.3, 0.7), (0.2, 0.8), (0.1, 0.9), (0.05, 0.95))
NO_CLAIM_SCORE = 1.0  # an answer asserting nothing checkable ("yes") is not unsupported


def featurise(rows: list[dict[str, str]]) -> list[list[tuple[int, list[ClaimSupport]]]]:
    embed = get_embedder().embed
    out = []
    for row in rows:
        evidence = build_evidence(row["question"], [row["knowledge"]])
        pair = []
        for label, answer in ((1, row["right_answer"]), (0, row["hallucinated_answer"])):
            supports = [claim_features(c, evidence)[1] for c in split_claims(answer)]
            add_similarity(supports, evidence, embed)
            pair.append((label, supports))
        out.append(pair)
    return out


def fit(data, names: tuple[str, ...]) -> dict:
    x, y = [], []
    for pair in data:
        for label, supports in pair:
            for s in supports:
                x.append([s.features[n] for n in names])
                y.append(label)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(np.array(x), np.array(y))
    return {"features": list(names), "weights": model.coef_[0].round(6).tolist(),
            "bias": round(float(model.intercept_[0]), 6), "rows": len(y)}


def pairwise(data, model: GroundingModel) -> float:
    """Share of pairs where the right answer grounds better (ties count half), as at run time."""
    won = 0.0
    for pair in data:
        scores = []
        for _label, supports in pair:
            for s in supports:
                s.score = model.lexical(s.features)
            for s in claims_to_embed(supports, model, MAX_EMBEDDED_CLAIMS):
                s.score = model.full(s.features)
            g = grounding_score(supports)
            scores.append(NO_CLAIM_SCORE if g is None else g)
        won += 1.0 if scores[0] > scores[1] else 0.5 if scores[0] == scores[1] else 0.0
    return won / len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="halueval_qa_dev.jsonl")
    parser.add_argument("--out", default=str(WEIGHTS_PATH))
    args = parser.parse_args()

    tune, _reported = split(load_halueval(args.data))
    data = featurise(tune)
    lexical = fit(data, LEXICAL_FEATURES)

    full = fit(data, FEATURES)
    results = []
    for low, high in BANDS:
        raw = {"lexical": lexical, "full": full, "ambiguous": [low, high]}
        model = GroundingModel.from_dict(raw)
        accuracy = pairwise(data, model)
        embedded = sum(len(claims_to_embed(supports, model, MAX_EMBEDDED_CLAIMS))
                       for pair in data for _label, supports in pair)
        print(f"band {low:.2f}-{high:.2f}: {embedded} answers embed a claim, tuning pairwise accuracy {accuracy:.3f}")
        results.append((accuracy, raw))
    # Bands go from narrow to wide; a wider band costs embeddings, so it must win by more than one pair.
    top = max(a for a, _ in results)
    accuracy, raw = next((a, r) for a, r in results if a >= top - 1.0 / len(tune) - 1e-9)
    raw["trained_on"] = {"data": Path(args.data).name, "split_seed": SEED, "part": "tune",
                         "pairs": len(tune), "tuning_pairwise_accuracy": round(accuracy, 4)}
    Path(args.out).write_text(json.dumps(raw, indent=2) + "\n")
    print(f"wrote {args.out} (band {raw['ambiguous']}, tuning pairwise accuracy {accuracy:.3f})")


if __name__ == "__main__":
    main()
