"""What is measured about one claim against the evidence: words, phrases, names, figures."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from guards.analyzers.trustguard.contradiction import opposed, polar_stems
from guards.analyzers.trustguard.grounding.evidence import Evidence, EvidenceSentence
from guards.analyzers.trustguard.text import Span, is_negator, names, negated, numbers, tokens

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
        or (len(stems) >= 2 and best_cov >= _SAME_STATEMENT and polarity_conflict(claim.text, best.span.text))
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
        substituted=None if best is None or negates else _substitution(
            stems, claim_numbers, missing_numbers, claim_names, missing_names, best, evidence
        ),
    )
    return features, support


def _kind(value: str, span: Span) -> str:
    """"year" (1889, not 1,083), else the number of digits: what a figure can stand in for."""
    whole = value.split(".")[0].lstrip("-")
    if len(whole) == 4 and "," not in span.text and "." not in value and 1000 <= int(whole) <= 2100:
        return "year"
    return str(len(whole))


_SAME_REST = 0.75  # share of a claim's other content words its evidence sentence must hold to be "the same statement"
_MIN_REST = 2


def _substitution(
    stems: set[str],
    claim_numbers: list[tuple[str, Span]],
    missing_numbers: list[Span],
    claim_names: list[Span],
    missing_names: list[Span],
    best: EvidenceSentence,
    evidence: Evidence,
) -> Span | None:
    """The figure (or name) of ``best`` that the claim replaced, when the rest of the statement is the same.

    "The tower was finished in 1925" against "The tower was finished in 1889": every other
    word matches, exactly one figure differs. A claim that merely adds a figure or a name
    the source lacks, or whose other words are not the sentence's, is unsupported, not
    contradicted: the source is silent about it.
    """
    if len(missing_numbers) + len(missing_names) != 1:
        return None
    changed = missing_numbers[0] if missing_numbers else missing_names[0]
    changed_stems = {t.stem for t in tokens(changed.text)}
    rest = stems - changed_stems
    if len(rest) < _MIN_REST or len(rest & best.stems) / len(rest) < _SAME_REST:
        return None
    offset = best.span.start
    if missing_numbers:
        # A figure stands in for one of its kind: "1889" for "1925", "44" for "45"; not "87" for the "0" of "1 - 0".
        claim_values = {v for v, _s in claim_numbers}
        kind = next(_kind(v, span) for v, span in claim_numbers if span == changed)
        others = [s for v, s in numbers(best.span.text, offset) if v not in claim_values and _kind(v, s) == kind]
    else:
        held = {t.stem for n in claim_names for t in tokens(n.text)}
        # Every capitalised word of the sentence may be a name here ("Canberra is the capital"):
        # the claim's other words already match it, so an opener like "See" cannot be the one.
        known = evidence.known_names | {t.lower for t in tokens(best.span.text) if t.is_capitalised}
        others = [n for n in names(best.span.text, offset, known=known)
                  if not {t.stem for t in tokens(n.text)} & (held | stems)]
    return others[0] if len(others) == 1 else None


# Where a negation's scope ends: "Dragons don't exist, so no dragons nest in the hills"
# holds two negated clauses, not a double negative.
_SCOPE_BREAK_RE = re.compile(
    r"\s*[,;:()\u2013\u2014]\s*|\s+(?:but|so|because|while|whereas|although|though)\s+",
    re.IGNORECASE,
)
_MIN_SCOPE_STEMS = 2
_SAME_CLAUSE = 0.6  # share of a claim clause's content stems its evidence clause must hold
_ANSWER_RE = re.compile(r"^\W*(yes|no)\b(?=\s*(?:[,.;:!\u2013\u2014-]|$))", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Scope:
    text: str
    stems: frozenset[str]  # content stems, without negators or words that have an antonym
    polar: frozenset[str]  # stems of words that have an antonym ("legal", "more")
    negated: bool


def _scopes(text: str) -> list[_Scope]:
    out = []
    for piece in _SCOPE_BREAK_RE.split(text):
        if not piece or not piece.strip():
            continue
        polar = polar_stems(piece)
        stems = frozenset(t.stem for t in tokens(piece) if t.is_content and not is_negator(t)) - polar
        out.append(_Scope(piece, stems, polar, negated(piece)))
    return out


def opposite_answers(claim: str, evidence: str) -> bool:
    """"No, ..." against "Yes, ..." (or the reverse): opposite answers to the same question.

    Whatever follows, so "No, cartilage protects sharks" contradicts "Yes, sharks can get cancer".
    """
    answers = (_ANSWER_RE.match(claim), _ANSWER_RE.match(evidence))
    return bool(answers[0] and answers[1] and answers[0].group(1).lower() != answers[1].group(1).lower())


def polarity_conflict(claim: str, evidence: str) -> bool:
    """Does a clause of the claim say what a clause of the evidence says, with the opposite polarity?

    Each claim clause with at least two content words is matched with the evidence clause
    sharing most of them: negated on one side only ("is not in Delhi" / "is in Delhi"), or
    using a word whose antonym the other uses ("legal" / "illegal") — unless both happen at
    once ("is not safe" / "is dangerous" agree).

    Polarity is judged per clause: counting negators over a whole sentence makes "Dragons
    don't exist, so no dragons nest there" read as affirmative (two negators), and "Yes,
    dragons nest there" would then agree with it.

    A long source sentence holds several predicates, so a negation counts only where it
    bears on a word both sides share ("not made of iron" against "a wrought-iron tower",
    not "no place for the faint-hearted" against a claim about the stadium), and only when
    the other side has no negator anywhere (it may deny the same thing in another clause).
    An antonym counts only when the source clause names nobody the claim leaves out:
    "City won the last four derbies" agrees with "United lost the last four derbies to City".
    """
    evidence_scopes = _scopes(evidence)
    claim_stems = {t.stem for t in tokens(claim)}
    for scope in _scopes(claim):
        if len(scope.stems) < _MIN_SCOPE_STEMS:
            continue
        shared, other = max(((len(scope.stems & e.stems), e) for e in evidence_scopes), key=lambda m: m[0],
                            default=(0, None))
        if other is None or shared / len(scope.stems) < _SAME_CLAUSE:
            continue
        negation, antonym = scope.negated != other.negated, opposed(scope.polar, other.polar)
        if negation == antonym:
            continue  # the same polarity, or both at once ("is not safe" / "is dangerous")
        if negation:
            negated_side, plain_text = (scope, evidence) if scope.negated else (other, claim)
            shared = (scope.stems & other.stems) | (scope.polar & other.polar)
            if _has_negator(plain_text) or not _negates_shared(negated_side.text, shared):
                continue
        elif _names_left_out(other.text, claim_stems):
            continue
        return True
    return False


def _has_negator(text: str) -> bool:
    return any(is_negator(t) for t in tokens(text))


_NEGATION_REACH = 2  # content words after a negator that it bears on
# A negation does not reach past these: "it wasn't enough | as Moyes' side had to settle".
_CLAUSE_WORDS = frozenset({"as", "when", "while", "because", "since", "that", "which", "who", "whom", "where", "if",
                           "than", "until", "after", "before", "and", "but", "so"})


def _negates_shared(text: str, shared: frozenset[str]) -> bool:
    """Does a negator of ``text`` bear on a word both sides share ("not made of *iron*")?"""
    toks = tokens(text)
    for i, t in enumerate(toks):
        if not is_negator(t):
            continue
        reached = 0
        for n in toks[i + 1 :]:
            if n.lower in _CLAUSE_WORDS or reached == _NEGATION_REACH:
                break
            if n.is_content and not is_negator(n):
                if n.stem in shared:
                    return True
                reached += 1
    return False


def _names_left_out(text: str, claim_stems: set[str]) -> bool:
    return any(t.is_capitalised and t.is_content and t.stem not in claim_stems for t in tokens(text))


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


