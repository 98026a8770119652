"""What is measured about one claim against the evidence: words, phrases, names, figures."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from guards.analyzers.trustguard.grounding.evidence import Evidence
from guards.analyzers.trustguard.grounding.polarity import opposite_answers, polarity_conflict, substitution
from guards.analyzers.trustguard.text import Span, names, negated, numbers, tokens

LEXICAL_FEATURES = (
    "coverage",  # share of the claim's content stems found in the evidence
    "novel_coverage",  # same, over the stems the claim adds beyond the prompt
    "unsupported_words",  # log1p(added stems missing from the evidence, beyond a paraphrase allowance)
    "unsupported_names",  # share of the claim's names with a word missing from the evidence
    "unsupported_numbers",  # share of the claim's numbers missing from the evidence
    "sentence_coverage",  # coverage by the single best evidence sentence (locality)
    "phrase_coverage",  # share of the claim's content words found next to a neighbour as in the evidence
    "question_relevance",  # share of the question's words in the sentence backing the claim's own words
)
# Set by ``meaning.add_similarity`` for the claims compared by meaning: "similarity", the MiniLM
# cosine between the claim and its best evidence sentence.


# A long sentence restating its sources uses some words of its own ("stands" for "is"):
# one missing word per this many content words is not counted against it.
_PARAPHRASE_EVERY = 6
_SAME_STATEMENT = 0.6  # best-sentence coverage from which opposite polarity means "negates the source"


@dataclass(slots=True)
class ClaimSupport:
    """How well one claim is supported, with the passage that supports it best."""

    claim: Span
    score: float
    features: dict[str, float]
    passage: int | None = None
    evidence: Span | None = None
    missing_names: list[Span] = field(default_factory=list)
    missing_numbers: list[Span] = field(default_factory=list)
    missing_words: list[str] = field(default_factory=list)  # as written in the claim, never stems
    negates_source: bool = False  # its best evidence sentence says the same thing with the opposite polarity
    # The figure or name the best evidence sentence gives where the claim gives another
    # ("built in 1952" against "built in 1934"): the reference contradicts the claim.
    substituted: Span | None = None

    @property
    def contradicted(self) -> bool:
        """The reference says otherwise (opposite polarity, or another figure or name), not merely nothing."""
        return self.negates_source or self.substituted is not None

    def verdict(self, threshold: float, *, from_prompt: bool) -> str:
        """``supported``, ``contradicted``, ``unsupported`` (the sources are silent) or ``unverifiable``.

        Without sources the prompt is the reference only for what it states: a claim it
        neither confirms nor contradicts cannot be judged, which is not the same as wrong.
        """
        if self.contradicted:
            return "contradicted"
        if self.score >= threshold:
            return "supported"
        return "unverifiable" if from_prompt else "unsupported"


def claim_features(claim: Span, evidence: Evidence) -> tuple[dict[str, float], ClaimSupport]:
    """Lexical, entity and number features of one claim, and where its best evidence is."""
    claim_tokens = [t for t in tokens(claim.text, claim.start) if t.is_content]
    stems = {t.stem for t in claim_tokens}
    prompt = frozenset() if evidence.from_prompt else evidence.prompt_stems
    novel = stems - prompt
    found = stems & evidence.stems
    missing = sorted(novel - evidence.stems)
    # Findings quote the claim's own words ("concrete"), never their stems ("concret").
    missing_words = list(dict.fromkeys(t.text for t in claim_tokens if t.stem in novel and t.stem not in evidence.stems))
    coverage = len(found) / len(stems) if stems else 1.0
    novel_coverage = len(novel & evidence.stems) / len(novel) if novel else coverage

    claim_names = names(claim.text, claim.start, known=evidence.known_names)
    missing_names = [
        n for n in claim_names
        if any(t.stem not in evidence.stems for t in tokens(n.text) if t.is_content)
    ]
    claim_numbers = numbers(claim.text, claim.start)
    missing_numbers = [span for value, span in claim_numbers if value not in evidence.numbers]

    best, best_cov = None, 0.0
    weight = {s: (2.0 if s in novel else 1.0) for s in stems}
    total = sum(weight.values()) or 1.0
    scores: dict[int, float] = {}
    for s, w in weight.items():
        for i in evidence.by_stem.get(s, ()):
            scores[i] = scores.get(i, 0.0) + w
    if scores:
        index = max(scores, key=lambda i: (scores[i], -i))
        best, best_cov = evidence.sentences[index], scores[index] / total

    features = {
        "coverage": coverage,
        "novel_coverage": novel_coverage,
        "unsupported_words": math.log1p(max(0, len(missing) - len(stems) // _PARAPHRASE_EVERY)),
        "unsupported_names": len(missing_names) / len(claim_names) if claim_names else 0.0,
        "unsupported_numbers": len(missing_numbers) / len(claim_numbers) if claim_numbers else 0.0,
        "sentence_coverage": best_cov,
        "phrase_coverage": _phrase_coverage(claim.text, evidence, coverage),
        "question_relevance": _question_relevance(novel, evidence),
    }
    # "The office is not in Delhi" matches "the office is in Delhi" word for word.
    # A bare noun phrase ("director") has no polarity to compare.
    # A question in the source asks, it does not deny ("Can they sue?" against "They can't sue").
    negates = best is not None and not best.span.text.rstrip().endswith("?") and (
        opposite_answers(claim.text, best.span.text)
        # One content word is enough when the claim denies it ("it does not have a garden").
        or ((len(stems) >= 2 or negated(claim.text)) and best_cov >= _SAME_STATEMENT
            and polarity_conflict(claim.text, best.span.text))
    )
    support = ClaimSupport(
        claim=claim,
        score=0.0,
        features=features,
        passage=best.passage if best else None,
        evidence=best.span if best else None,
        missing_names=missing_names,
        missing_numbers=missing_numbers,
        missing_words=missing_words,
        negates_source=negates,
        substituted=None if best is None or negates else substitution(
            stems, claim_numbers, missing_numbers, claim_names, missing_names, best, evidence
        ),
    )
    return features, support


def _question_relevance(novel: set[str], evidence: Evidence) -> float:
    """How much of the question the sentence backing the claim's own words is about.

    Sources often name several candidates ("published by Dennis Publishing ... previously
    by John Brown Publishing"); the right one sits in the sentence that also matches the
    question. 1.0 when there is no separate question.
    """
    if evidence.from_prompt or not evidence.prompt_stems or not novel:
        return 1.0
    hits: dict[int, int] = {}
    for s in novel:
        for i in evidence.by_stem.get(s, ()):
            hits[i] = hits.get(i, 0) + 1
    if not hits:
        return 0.0
    top = max(hits.values())
    best = max(len(evidence.sentences[i].stems & evidence.prompt_stems) for i, n in hits.items() if n == top)
    return best / len(evidence.prompt_stems)


def _phrase_coverage(text: str, evidence: Evidence, coverage: float) -> float:
    """Words used in the sources' phrasing: "John Brown Publishing" yes, "the Singer and the Producer" no.

    A word counts when the pair with its left or right neighbour occurs in the evidence, so
    a claim fusing facts from several sentences only loses the words at the seams.
    """
    stems = [t.stem for t in tokens(text) if t.is_content or t.lower.isdigit()]
    if len(stems) < 2:
        return coverage  # a one-word claim: its phrase is its word
    linked = [(a, b) in evidence.pairs for a, b in itertools.pairwise(stems)]
    held = sum(
        (i > 0 and linked[i - 1]) or (i < len(linked) and linked[i])
        for i in range(len(stems))
    )
    return held / len(stems)


