"""Train trustguard's grounding model on the tuning half of HaluEval QA.

Usage (from the repository root):
    .venv/bin/python bench/train_trustguard_grounding.py /work/shared/data/hallucination/halueval_qa_dev.jsonl

Each claim of each answer (right = supported, hallucinated = unsupported) gives one row of
features. HaluEval's right answers are mostly bare noun phrases while its hallucinated ones
are often whole sentences restating the question; trained on that alone, the model learns
that "long = invented" and distrusts every grounded full-sentence answer. So each short
answer is also put back into its question ("what city ... ?" + "Delhi" -> "... Delhi"), for
both classes, giving grounded and invented full sentences alike. The
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
import re
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

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


_WH_RE = re.compile(r"\b(?:(?:what|which)(?:\s+\w+)?|who|whom|when|where)\b", re.IGNORECASE)
_SHORT_ANSWER_WORDS = 5


def as_statement(question: str, answer: str) -> str | None:
    """The question with its wh-phrase replaced by a short answer; None when it does not fit."""
    answer = answer.strip().rstrip(".")
    if len(answer.split()) > _SHORT_ANSWER_WORDS or not _WH_RE.search(question):
        return None
    return _WH_RE.sub(lambda _m: answer, question.strip().rstrip("?"), count=1).strip() + "."


def featurise(rows: list[dict[str, str]]) -> list[list[tuple[int, list[ClaimSupport]]]]:
    """Per row: [(1, right claims), (0, hallucinated claims), then the statement forms]."""
    embed = get_embedder().embed
    out = []
    for row in rows:
        evidence = build_evidence(row["question"], [row["knowledge"]])
        answers = [(1, row["right_answer"]), (0, row["hallucinated_answer"])]
        for label, answer in list(answers):
            statement = as_statement(row["question"], answer)
            if statement:
                answers.append((label, statement))
        pair = []
        for label, answer in answers:
            supports = [claim_features(c, evidence)[1] for c in split_claims(answer)]
            add_similarity(supports, evidence, embed)
            pair.append((label, supports))
        out.append(pair)
    return out


def fit(data, names: tuple[str, ...]) -> dict:
    x, y = [], []
    for row in data:
        for label, supports in row:
            for s in supports:
                x.append([s.features[n] for n in names])
                y.append(label)
    weights, bias = fit_signed_logistic(np.array(x), np.array(y), [SIGNS[n] for n in names])
    return {"features": list(names), "weights": weights.round(6).tolist(), "bias": round(bias, 6), "rows": len(y)}


# Evidence for support may only raise the score, evidence against only lower it: with a few
# hundred correlated rows an unconstrained fit gives some features the "wrong" sign, which
# would then punish, say, better coverage on text unlike HaluEval's.
SIGNS = {
    "coverage": 1, "novel_coverage": 1, "unsupported_words": -1, "unsupported_names": -1,
    "unsupported_numbers": -1, "sentence_coverage": 1, "phrase_coverage": 1, "question_relevance": 1,
    "similarity": 1,
}
L2 = 1.0


def fit_signed_logistic(x: np.ndarray, y: np.ndarray, signs: list[int]) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression with each weight's sign fixed (L-BFGS-B bounds)."""

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        nll = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        grad_z = p - y
        grad = np.concatenate([x.T @ grad_z + L2 * w, [grad_z.sum()]])
        return nll + 0.5 * L2 * float(w @ w), grad

    bounds = [(0, None) if sign > 0 else (None, 0) for sign in signs] + [(None, None)]
    result = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:-1], float(result.x[-1])


def pairwise(data, model: GroundingModel) -> float:
    """Share of pairs where the right answer grounds better (ties count half), as at run time."""
    won = 0.0
    for row in data:
        scores = []
        for _label, supports in row[:2]:  # the original right and hallucinated answers
            for s in supports:
                s.score = model.score(s)
            for s in claims_to_embed(supports, model, MAX_EMBEDDED_CLAIMS):
                s.score = model.score(s, with_meaning=True)
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
                       for row in data for _label, supports in row[:2])
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
