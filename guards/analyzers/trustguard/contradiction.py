"""Self-contradiction: two claims of the same output that cannot both be true.

Three shapes, each requiring the two claims to be about the same thing (nearly the same
content words once the differing part is set aside):
- opposite polarity: "The drug is safe for children." / "The drug is not safe for children.";
- antonyms: "Profits increased in 2020." / "Profits decreased in 2020." (but "is not safe"
  and "is dangerous" agree: antonym plus negation cancels out);
- conflicting numbers: "It was founded in 1998." / "It was founded in 2001." — exactly one
  number differs, so "grew 5% in 2020" / "grew 7% in 2021" (a series) is not flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from guards.analyzers.trustguard.text import Span, is_negator, negated, numbers, stem, tokens

_ANTONYM_PAIRS = (
    ("true", "false"), ("safe", "unsafe"), ("safe", "dangerous"), ("increase", "decrease"),
    ("increase", "reduce"), ("rise", "fall"), ("rose", "fell"), ("more", "less"), ("more", "fewer"),
    ("higher", "lower"), ("larger", "smaller"), ("bigger", "smaller"), ("before", "after"),
    ("alive", "dead"), ("win", "lose"), ("won", "lost"), ("legal", "illegal"), ("possible", "impossible"),
    ("correct", "incorrect"), ("always", "never"), ("open", "closed"), ("positive", "negative"),
    ("north", "south"), ("east", "west"), ("maximum", "minimum"), ("above", "below"),
    ("earliest", "latest"), ("first", "last"), ("older", "younger"), ("oldest", "youngest"),
    ("largest", "smallest"), ("cheap", "expensive"), ("effective", "ineffective"), ("accept", "reject"),
    ("approve", "reject"), ("allow", "forbid"), ("allow", "prohibit"), ("succeed", "fail"),
    ("success", "failure"), ("present", "absent"), ("include", "exclude"), ("permanent", "temporary"),
    ("valid", "invalid"), ("strong", "weak"), ("increasing", "decreasing"), ("growth", "decline"),
    ("many", "few"), ("increase", "decline"), ("rise", "decline"), ("improve", "worsen"), ("gain", "lose"),
)
_ANTONYMS: dict[str, set[str]] = {}
for _a, _b in _ANTONYM_PAIRS:
    _ANTONYMS.setdefault(stem(_a), set()).add(stem(_b))
    _ANTONYMS.setdefault(stem(_b), set()).add(stem(_a))

_SAME_SUBJECT = 0.75  # Jaccard of content stems needed to call two claims "about the same thing"
_MIN_SHARED = 2
MAX_CLAIMS = 60  # pairwise comparison is quadratic; long outputs are checked on their first claims


@dataclass(frozen=True, slots=True)
class Contradiction:
    kind: str  # polarity | antonym | number
    first: Span
    second: Span
    score: float
    detail: str


@dataclass(frozen=True, slots=True)
class _Claim:
    span: Span
    stems: frozenset[str]  # content stems without negators, antonym words or numbers
    negated: bool
    polar: frozenset[str]  # stems of words that have an antonym
    numbers: frozenset[str]


def _analyse(span: Span) -> _Claim:
    toks = tokens(span.text, span.start)
    is_negated = negated(span.text)
    polar = polar_stems(span.text)
    stems = frozenset(
        t.stem for t in toks if t.is_content and t.stem not in _ANTONYMS and not is_negator(t)
    )
    return _Claim(span, stems, is_negated, polar, frozenset(v for v, _ in numbers(span.text)))


def polar_stems(text: str) -> frozenset[str]:
    """Stems of the words in ``text`` that have an antonym in the table ("legal", "more").

    Negators ("never") are left to negation: counted as both, "always" / "never" would
    cancel out and read as agreeing.
    """
    return frozenset(t.stem for t in tokens(text) if t.stem in _ANTONYMS and not is_negator(t))


def opposed(a: frozenset[str], b: frozenset[str]) -> bool:
    """Does one side use a word whose antonym only the other side uses ("legal" / "illegal")?"""
    only_a, only_b = a - b, b - a
    return any(_ANTONYMS[x] & only_b for x in only_a)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two word sets; one shared word is enough only when nothing else differs."""
    shared = len(a & b)
    union = len(a | b)
    if shared < _MIN_SHARED and not (shared and shared == union):
        return 0.0
    return shared / union


def find_contradictions(claims: list[Span]) -> list[Contradiction]:
    """Pairs of claims (earlier, later) that contradict each other, in order of the later one."""
    analysed = [_analyse(c) for c in claims[:MAX_CLAIMS]]
    out: list[Contradiction] = []
    seen: dict[str, list[int]] = {}  # stem -> earlier claims using it: only those can share a subject
    for j, b in enumerate(analysed):
        earlier = sorted({i for s in b.stems for i in seen.get(s, ())})
        for s in b.stems:
            seen.setdefault(s, []).append(j)
        for a in (analysed[i] for i in earlier):
            found = _compare(a, b)
            if found:
                out.append(found)
                break  # one contradiction per later claim is enough to point at it
    return out


def _compare(a: _Claim, b: _Claim) -> Contradiction | None:
    is_opposed = opposed(a.polar, b.polar)
    overlap = _jaccard(a.stems | a.numbers, b.stems | b.numbers)
    if is_opposed and a.negated == b.negated and overlap >= _SAME_SUBJECT:
        return Contradiction("antonym", a.span, b.span, overlap, "opposite words about the same subject")
    if not is_opposed and a.negated != b.negated and a.polar == b.polar and overlap >= _SAME_SUBJECT:
        return Contradiction("polarity", a.span, b.span, overlap, "the same statement affirmed and negated")
    overlap = _jaccard(a.stems, b.stems)
    if a.numbers and b.numbers and a.negated == b.negated and a.polar == b.polar and overlap >= _SAME_SUBJECT:
        if len(a.numbers - b.numbers) == 1 and len(b.numbers - a.numbers) == 1:
            return Contradiction(
                "number", a.span, b.span, overlap,
                f"different figures for the same statement: {sorted(a.numbers - b.numbers)[0]} "
                f"vs {sorted(b.numbers - a.numbers)[0]}",
            )
    return None
