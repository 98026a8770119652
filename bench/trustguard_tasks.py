"""The grounding tasks trustguard is trained and tuned on, scored claim by claim without the analyzer.

``train_trustguard_grounding.py`` uses this on the tuning halves: features are computed
once (MiniLM included) and every candidate rule is scored from them, as ``ground_claims``
would at run time. ``trustguard_quality.py`` reports on the other halves of the same tasks
(``trustguard_data``) through the analyzer itself.

- ``halueval``: knowledge as the source, question as the prompt; the right answer against
  the hallucinated one, as given (mostly bare noun phrases) and put back into the question
  as a sentence (``as_statement``: the knowledge says it in other words);
- ``paraphrase``: TruthfulQA, one correct answer as the source; the question's other correct
  answers should be supported by it, its incorrect answers not.

An answer is "supported" at a support threshold when every claim reaches it; pairs are
ranked by the grounding score (half the weakest claim, half the length-weighted mean).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from trustguard_data import ParaphraseItem, SummaryRow, as_statement

from guards.analyzers.trustguard import TrustGuard
from guards.analyzers.trustguard.analyzer import ground_output, meaning_budget
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.grounding import (
    ClaimSupport,
    GroundingModel,
    add_similarity,
    build_evidence,
    claim_features,
    claims_to_embed,
    grounding_score,
    output_features,
)
from guards.analyzers.trustguard.grounding.risk import OUTPUT_FEATURES

L2 = 1.0
NO_CLAIM_SCORE = 1.0  # an answer asserting nothing checkable ("yes") is not unsupported


@dataclass(slots=True)
class Answer:
    """One answer to judge, its label (1 = should be supported) and its claims' features."""

    label: int
    text: str
    supports: list[ClaimSupport]
    similarity: list[float | None]  # each claim's cosine with its best source sentence, if embedded


@dataclass(slots=True)
class Group:
    """Answers judged against the same sources: every (supported, unsupported) pair is compared."""

    answers: list[Answer]


def featurise(prompt: str, sources: list[str], labelled: list[tuple[int, str]], embed) -> Group:
    """Lexical features of every claim, and the MiniLM cosine of each with its best source sentence.

    The cosine is computed for every claim that has a best sentence (not only those the
    run-time rule would pick), so a tuning loop can try any rule without embedding again.
    """
    evidence = build_evidence(prompt, sources)
    group = Group([])
    for label, text in labelled:
        supports = [claim_features(c, evidence)[1] for c in split_claims(text)]
        if embed is not None:
            add_similarity(supports, evidence, embed)
        similarity = [s.features.pop("similarity", None) for s in supports]
        group.answers.append(Answer(label, text, supports, similarity))
    return group


def halueval_groups(rows: list[dict[str, str]], embed, *, statements: bool) -> list[Group]:
    """One group per row: right vs hallucinated answer (as given, or as statements when both fit)."""
    groups = []
    for row in rows:
        answers = [(1, row["right_answer"]), (0, row["hallucinated_answer"])]
        if statements:
            answers = [(label, as_statement(row["question"], a) or "") for label, a in answers]
            if not all(a for _l, a in answers):
                continue
        groups.append(featurise(row["question"], [row["knowledge"]], answers, embed))
    return groups


def paraphrase_groups(items: list[ParaphraseItem], embed) -> list[Group]:
    return [
        featurise(item.question, [item.source],
                  [(1, a) for a in item.supported] + [(0, a) for a in item.unsupported], embed)
        for item in items
    ]


def default_budget(text: str) -> float:
    """How many claims' worth of ``text`` TrustGuard compares by meaning with the default settings."""
    return meaning_budget(text, TrustGuard.settings_schema.defaults())


def score_answers(groups: list[Group], model: GroundingModel, budget: Callable[[str], float] = default_budget) -> None:
    """Score every claim as ``ground_claims`` does: lexical, then meaning for the claims it would embed."""
    for group in groups:
        for answer in group.answers:
            for s in answer.supports:
                s.features.pop("similarity", None)
                s.score = model.score(s)
            for s in claims_to_embed(answer.supports, model, budget(answer.text)):
                value = answer.similarity[answer.supports.index(s)]
                if value is not None:
                    s.features["similarity"] = value
                    s.score = model.score(s)


def answer_score(answer: Answer) -> float:
    g = grounding_score(answer.supports)
    return NO_CLAIM_SCORE if g is None else g


def evaluate(groups: list[Group], *, threshold: float = 0.5) -> dict[str, float]:
    """Pairwise accuracy (ties are misses) and per-answer accuracy at the support threshold."""
    won = pairs = ties = 0
    right = {0: 0, 1: 0}
    total = {0: 0, 1: 0}
    for group in groups:
        scores = [(a.label, answer_score(a)) for a in group.answers]
        for a in group.answers:
            supported = all(s.score >= threshold for s in a.supports)
            right[a.label] += supported == bool(a.label)
            total[a.label] += 1
        for la, sa in scores:
            if la != 1:
                continue
            for lb, sb in scores:
                if lb == 0:
                    pairs += 1
                    won += sa > sb
                    ties += sa == sb
    supported_rate = right[1] / total[1] if total[1] else 0.0
    rejected_rate = right[0] / total[0] if total[0] else 0.0
    return {
        "pairwise_accuracy": won / pairs if pairs else 0.0, "ties": ties, "pairs": pairs,
        "answers": total[0] + total[1],
        "answer_accuracy": (right[0] + right[1]) / max(1, total[0] + total[1]),
        "balanced_accuracy": (supported_rate + rejected_rate) / 2,
        "supported_rate": supported_rate,  # correct answers judged supported
        "rejected_rate": rejected_rate,  # wrong answers judged unsupported
    }


@dataclass(frozen=True, slots=True)
class Judged:
    """One output to judge against its reference, as the analyzer sees it, and its label (1 = unfaithful)."""

    prompt: str
    sources: list[str]
    output: str
    unfaithful: int


def halueval_outputs(rows: list[dict[str, str]]) -> list[Judged]:
    """Each HaluEval row gives two outputs: the right answer (faithful) and the hallucinated one."""
    return [Judged(r["question"], [r["knowledge"]], a, label)
            for r in rows for label, a in ((0, r["right_answer"]), (1, r["hallucinated_answer"]))]


def summary_outputs(rows: list[SummaryRow]) -> list[Judged]:
    """AggreFact/FaithBench: the summary is the output, its document the only source, no prompt."""
    return [Judged("", [r.document], r.summary, r.unfaithful) for r in rows]


def output_features_of(items: list[Judged]) -> list[dict[str, float] | None]:
    """The analyzer's output-level features of each item, with the default settings (meaning included)."""
    settings = TrustGuard.settings_schema.defaults()
    out = []
    for item in items:
        supports = ground_output(item.prompt, item.output, split_claims(item.output), item.sources, settings)
        out.append(output_features(supports))
    return out


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


OUTPUT_SIGNS = dict.fromkeys(OUTPUT_FEATURES, 1)  # every output feature is evidence of unfaithfulness


def fit_output_model(features: list[dict[str, float]], labels: list[int]) -> dict:
    """Sign-constrained logistic regression over ``OUTPUT_FEATURES`` (AggreFact and HaluEval tuning rows)."""
    x = np.array([[f[n] for n in OUTPUT_FEATURES] for f in features])
    weights, bias = fit_signed_logistic(x, np.array(labels), [OUTPUT_SIGNS[n] for n in OUTPUT_FEATURES])
    return {"features": list(OUTPUT_FEATURES), "weights": weights.round(6).tolist(), "bias": round(bias, 6),
            "rows": len(labels)}
