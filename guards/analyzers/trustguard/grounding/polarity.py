"""Whether the reference says otherwise: opposite polarity, or another figure or name in the same statement.

A claim the sources are silent about is unsupported; one they contradict is a different
finding (``contradiction``), and these checks are what tell the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from guards.analyzers.trustguard.contradiction import opposed, polar_stems
from guards.analyzers.trustguard.grounding.evidence import Evidence, EvidenceSentence
from guards.analyzers.trustguard.text import Span, is_negator, names, negated, numbers, tokens


def _kind(value: str, span: Span) -> str:
    """"year" (1889, not 1,083), else the number of digits: what a figure can stand in for."""
    whole = value.split(".")[0].lstrip("-")
    if len(whole) == 4 and "," not in span.text and "." not in value and 1000 <= int(whole) <= 2100:
        return "year"
    return str(len(whole))


_SAME_REST = 0.75  # share of a claim's other content words its evidence sentence must hold to be "the same statement"
_MIN_REST = 2


def substitution(
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
    if len(others) == 1:
        return others[0]
    return _nearest_to_rest(others, rest, best) if missing_numbers and others else None


_WINDOW_BEFORE, _WINDOW_AFTER = 6, 3  # words around a figure that say what it is the figure of
_MIN_WINDOW_MATCH = 2


def _nearest_to_rest(others: list[Span], rest: set[str], best: EvidenceSentence) -> Span | None:
    """Of several figures of one kind in the sentence, the one whose own words are the claim's.

    "The library opened in September 2022" against "Construction began in June 2021 and the
    library opened to the public in September 2023": 2023 sits among "library opened ...
    September", 2021 among "construction began ... June". Only a clear winner counts.
    """
    words = [t for t in tokens(best.span.text, best.span.start) if t.is_content]
    scored = []
    for figure in others:
        before = [t for t in words if t.end <= figure.start][-_WINDOW_BEFORE:]
        after = [t for t in words if t.start >= figure.end][:_WINDOW_AFTER]
        scored.append((len({t.stem for t in before + after} & rest), figure))
    scored.sort(key=lambda item: item[0], reverse=True)
    top, runner_up = scored[0][0], scored[1][0]
    return scored[0][1] if top >= _MIN_WINDOW_MATCH and top > runner_up else None


# Where a negation's scope ends: "Dragons don't exist, so no dragons nest in the hills"
# holds two negated clauses, not a double negative.
# A break starts at its punctuation or where a whitespace run begins (the lookbehind):
# that is where the scan meets it first, and without the anchor each position of a long
# whitespace run rescanned the rest of it (quadratic).
# A comma before three digits is a thousands separator ("120,000 books"), not a break.
_SCOPE_BREAK_RE = re.compile(
    r"(?:,(?!\d{3}\b)|[;:()\u2013\u2014])\s*"
    r"|(?<!\s)\s+(?:[,;:()\u2013\u2014]\s*|(?:but|so|because|while|whereas|although|though)\s+)",
    re.IGNORECASE,
)
_MIN_SCOPE_STEMS = 2
# Clauses of one sentence compared, on each side: a sentence of thousands of clauses (a
# list of URLs, a comma-separated dump) costs claims x clauses; real sentences have a handful.
MAX_CLAUSES = 256
_SAME_CLAUSE = 0.6  # share of a claim clause's content stems its evidence clause must hold
_ANSWER_RE = re.compile(r"^\W*(yes|no)\b(?=\s*(?:[,.;:!\u2013\u2014-]|$))", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Scope:
    text: str
    stems: frozenset[str]  # content stems, without negators or words that have an antonym
    polar: frozenset[str]  # stems of words that have an antonym ("legal", "more")
    negated: bool


@lru_cache(maxsize=1024)
def _scopes(text: str) -> tuple[_Scope, ...]:
    # Cached: every claim grounded in the same evidence sentence splits it again.
    out = []
    for piece in _SCOPE_BREAK_RE.split(text):
        if not piece or not piece.strip():
            continue
        polar = polar_stems(piece)
        stems = frozenset(t.stem for t in tokens(piece) if t.is_content and not is_negator(t)) - polar
        out.append(_Scope(piece, stems, polar, negated(piece)))
    return tuple(out)


@lru_cache(maxsize=256)
def _indexed_scopes(text: str) -> tuple[list[_Scope], dict[str, list[int]]]:
    """For each distinct set of stems, the first clause of ``text`` with it, in order; and per stem, those holding it.

    The best match of a claim clause is the first of the clauses sharing most of its
    stems, and clauses with the same stems share the same number: the first of each
    set stands for the rest. Only clauses sharing a stem can match at all. (Comparing
    every claim clause with every evidence clause was quadratic.) Cached: the claims
    grounded in one evidence sentence share its index.
    """
    first: dict[frozenset[str], _Scope] = {}
    for scope in _scopes(text):
        first.setdefault(scope.stems, scope)
    scopes = list(first.values())[:MAX_CLAUSES]
    holding: dict[str, list[int]] = {}
    for i, scope in enumerate(scopes):
        for stem in scope.stems:
            holding.setdefault(stem, []).append(i)
    return scopes, holding


def _best_match(
    stems: frozenset[str], scopes: list[_Scope], holding: dict[str, list[int]],
) -> tuple[int, _Scope] | None:
    """The first clause of ``scopes`` sharing most of ``stems``, if it shares enough (``_SAME_CLAUSE``).

    A clause sharing enough holds at least one of the rarest ``len(stems) - needed + 1``
    stems, so only the clauses holding those are counted: counting every clause that
    holds any stem was quadratic when a stem ("com" in URLs) is in every clause.
    """
    needed = next(n for n in range(len(stems) + 1) if n / len(stems) >= _SAME_CLAUSE)
    rarest = sorted(stems, key=lambda stem: len(holding.get(stem, ())))[: len(stems) - needed + 1]
    candidates = sorted({i for stem in rarest for i in holding.get(stem, ())})
    shared, first = 0, -1
    for i in candidates:
        count = len(stems & scopes[i].stems)
        if count > shared:
            shared, first = count, i
    return (shared, scopes[first]) if first >= 0 and shared >= needed else None


def _distinct(scopes: tuple[_Scope, ...]) -> list[_Scope]:
    """The first copy of each clause, in order (equal text, equal clause)."""
    first: dict[str, _Scope] = {}
    for scope in scopes:
        first.setdefault(scope.text, scope)
    return list(first.values())


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
    evidence_scopes, holding = _indexed_scopes(evidence)
    claim_stems = {t.stem for t in tokens(claim)}
    for scope in _distinct(_scopes(claim))[:MAX_CLAUSES]:
        # A denial needs only the word it denies ("it does not have a garden"); an affirmative
        # clause needs two, or any bare noun phrase would be compared.
        if len(scope.stems) < (1 if scope.negated else _MIN_SCOPE_STEMS):
            continue
        best = _best_match(scope.stems, evidence_scopes, holding)
        if best is None:
            continue
        shared, other = best
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
