"""Grounding: is each claim of the output supported by the sources (or by the prompt)?

Evidence is combined by a small sign-constrained logistic model trained on HaluEval's
tuning half, a meaning rule tuned on TruthfulQA's, and an output model trained on AggreFact's
and HaluEval's tuning rows (``bench/train_trustguard_grounding.py``):

- lexical (``features``): which content words (stemmed) of the claim occur in the evidence,
  counting apart the words it adds beyond the question (restating the question proves
  nothing), whether they occur in the sources' phrasing, and whether the sentence backing
  them is the one about the question;
- names and numbers: one found nowhere in the evidence is the strongest sign of an invented
  answer, so besides being features they cap the claim's score (``model.ENTITY_CAP``); so
  does a claim saying the opposite of its best source sentence (negation per clause,
  antonyms, an opposite yes/no answer);
- meaning (``meaning``): a claim whose names, figures and polarity all agree with its best
  source sentence but whose words differ (a paraphrase) is supported when its MiniLM cosine
  with that sentence is high (``model.MeaningRule``, threshold tuned on paraphrase data);
- contradiction (``polarity``): the reference saying the opposite, or another figure or name in
  the same statement, makes a claim ``contradicted`` rather than merely unsupported;
- the whole output (``risk``): an output model over what the claims add up to, and the shipped
  calibrators that turn it into a probability of unfaithfulness with tuned thresholds.
"""

from __future__ import annotations

from guards.analyzers.trustguard.grounding.evidence import (
    Evidence,
    EvidenceSentence,
    build_evidence,
    content_pairs,
)
from guards.analyzers.trustguard.grounding.features import LEXICAL_FEATURES, ClaimSupport, claim_features
from guards.analyzers.trustguard.grounding.meaning import (
    VECTOR_CACHE,
    Embed,
    add_similarity,
    claims_to_embed,
)
from guards.analyzers.trustguard.grounding.model import (
    ENTITY_CAP,
    WEIGHTS_PATH,
    GroundingModel,
    MeaningRule,
    decided,
)
from guards.analyzers.trustguard.grounding.polarity import opposite_answers, polarity_conflict
from guards.analyzers.trustguard.grounding.risk import (
    OUTPUT_FEATURES,
    OutputModel,
    calibrator,
    grounding_score,
    output_features,
)
from guards.analyzers.trustguard.text import Span

__all__ = [
    "ENTITY_CAP", "LEXICAL_FEATURES", "OUTPUT_FEATURES", "VECTOR_CACHE", "WEIGHTS_PATH", "ClaimSupport", "Embed",
    "Evidence", "EvidenceSentence", "GroundingModel", "MeaningRule", "OutputModel", "add_similarity",
    "build_evidence", "calibrator", "claim_features", "claims_to_embed", "content_pairs", "decided",
    "ground_claims", "grounding_score", "opposite_answers", "output_features", "polarity_conflict",
]


def ground_claims(
    claims: list[Span],
    evidence: Evidence,
    model: GroundingModel,
    *,
    embed: Embed | None = None,
    max_embedded_claims: float = 1.0,
) -> list[ClaimSupport]:
    """Score every claim; meaning is consulted only for the possible paraphrases words leave unsupported."""
    results: list[ClaimSupport] = []
    for claim in claims:
        _features, support = claim_features(claim, evidence)
        support.score = model.score(support)
        results.append(support)
    if embed is None:
        return results
    open_claims = claims_to_embed(results, model, max_embedded_claims)
    add_similarity(open_claims, evidence, embed)
    for r in open_claims:
        r.score = model.score(r)
    return results
