"""Is a span asserted, or only mentioned? Negation, quotation and reported speech.

"All X are Y" and "it is wrong to say all X are Y" share their words (and nearly their
embedding), so every generalisation and stereotype score is multiplied by the factor
found here. Mentions still produce a finding, at a lower score, with the reason in
``detail["context"]`` so a reviewer can see why it was discounted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ASSERTED = "asserted"
NEGATED = "negated"
QUOTED = "quoted"
REPORTED = "reported"

# How much of the claim's score survives in each frame. A negated claim ("it is a
# myth that ...") argues against the stereotype; a quoted or reported one only
# repeats it, which still deserves a look.
FACTORS = {ASSERTED: 1.0, NEGATED: 0.15, QUOTED: 0.35, REPORTED: 0.45}

# Frames that reject what follows them, searched in the sentence before the span.
_NEGATING = re.compile(
    r"""\b(?:
        (?:it\s+is|it's|that\s+is|that's|is|are)\s+(?:\w+\s+)?(?:wrong|false|untrue|not\s+true|a\s+myth|
            a\s+stereotype|a\s+lie|offensive|racist|sexist|bigoted|ignorant|harmful|nonsense|unfair|
            inaccurate|incorrect|prejudiced)\b
        |(?:myth|stereotype|misconception|prejudice|fallacy|trope|canard)s?\s+(?:that|about)
        |(?:do|does|did)\s*(?:n't|\s+not)\s+(?:believe|think|agree|accept)
        |(?:never|stop|don't|do\s+not|shouldn't|should\s+not|must\s+not|mustn't|cannot|can't)\s+
            (?:say|claim|assume|pretend|believe|generali[sz]e|think)
        |(?:disagree|reject|refute|debunk|challenge|deny|denies|denied|disprove)(?:s|d|ing)?\b
        |(?:not|no)\s+(?:true|evidence)\s+that
        |there\s+is\s+no\s+(?:truth|evidence)
        |not\s+(?:all|every)\b
        |contrary\s+to
        |it\s+is\s+not\s+the\s+case\s+that
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# The same rejection placed after the claim: "... all X are Y is a myth".
_NEGATING_AFTER = re.compile(
    r"""^[\s"'”\u2019»,;:)-]*(?:,?\s*which\s+)?(?:is|are|was|were|'s)\s+(?:just\s+|simply\s+|clearly\s+|completely\s+)?
        (?:wrong|false|untrue|not\s+true|a\s+myth|a\s+stereotype|a\s+lie|offensive|racist|sexist|bigoted|
           nonsense|a\s+harmful|harmful|prejudiced|inaccurate|incorrect|a\s+misconception)\b""",
    re.IGNORECASE | re.VERBOSE,
)

# The claim runs to the end of its sentence and rejects itself there:
# "Saying all X are Y is sexist."
_NEGATING_TAIL = re.compile(
    r"""(?:is|are|was|were|'s)\s+(?:just\s+|simply\s+|clearly\s+|completely\s+|a\s+)?
        (?:wrong|false|untrue|not\s+true|myth|stereotype|lie|offensive|racist|sexist|bigoted|nonsense|
           harmful\s+stereotype|misconception|prejudiced|ignorant)[\s.!?"'”\u2019]*$""",
    re.IGNORECASE | re.VERBOSE,
)

_NOT_BEFORE = re.compile(r"\bnot\s*$", re.IGNORECASE)

# Frames that attribute the claim to someone else without endorsing it.
_REPORTING = re.compile(
    r"""\b(?:
        (?:some|many|they|people|someone|he|she|critics|trolls|bigots|racists|sexists)\s+
            (?:(?:often|always|sometimes|usually|still|commonly|wrongly|falsely)\s+)?
            (?:say|said|says|claim|claimed|claims|believe|believed|argue|argued|think|thought|
             assume|assumed|insist|insisted|wrote|tweeted|posted|told\s+me)
        |(?:so-called|supposedly|allegedly|according\s+to)
        |(?:the|a|this|that|their|his|her)\s+(?:claim|idea|notion|belief|assumption|view|opinion)s?\s+that
        |(?:was|were|am|is)\s+told\s+that
        |(?:heard|read)\s+(?:someone\s+)?(?:say|that)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Paired quotation marks; straight double quotes pair left to right.
_QUOTES = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|«[^»\n]{3,}»|\u2018[^\u2019\n]{6,}\u2019")


@dataclass(frozen=True, slots=True)
class Frame:
    """How a span is used: ``kind`` is asserted/negated/quoted/reported."""

    kind: str
    cue: str = ""

    @property
    def factor(self) -> float:
        return FACTORS[self.kind]


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted passages (quotes included)."""
    return [(m.start(), m.end()) for m in _QUOTES.finditer(text)]


def frame_of(text: str, start: int, end: int, *, sentence_start: int = 0, sentence_end: int | None = None,
             quotes: list[tuple[int, int]] | None = None) -> Frame:
    """Classify the use of the claim ``text[start:end]`` from the rest of its sentence.

    Negation wins over quotation ("it is a myth that 'X are Y'" argues against it);
    a quotation wins over a bare reporting verb.
    """
    before = text[sentence_start:start]
    inside = text[start:end]
    after = text[end:len(text) if sentence_end is None else sentence_end]
    trailing = _NEGATING_AFTER.match(after)
    tail = _NEGATING_TAIL.search(inside) if not after.strip(" \t\"'”\u2019.!?") else None
    negation = (_last(_NEGATING, before) or _last(_NOT_BEFORE, before) or _leading(_NEGATING, inside)
                or (trailing.group() if trailing else "") or (tail.group() if tail else ""))
    if negation:
        return Frame(NEGATED, negation)
    for q_start, q_end in quotes if quotes is not None else quoted_ranges(text):
        if q_start < start < q_end:  # the claim opens inside the quotation
            return Frame(QUOTED, text[q_start:q_start + 1])
    report = _last(_REPORTING, before)
    if report:
        return Frame(REPORTED, report)
    return Frame(ASSERTED)


def _last(pattern: re.Pattern[str], before: str) -> str:
    found = ""
    for match in pattern.finditer(before):
        found = match.group()
    return found


def _leading(pattern: re.Pattern[str], inside: str) -> str:
    # "Not all women ..." carries its negation inside the matched claim itself.
    match = pattern.match(inside)
    return match.group() if match and match.group().lower().startswith("not ") else ""


def claim_start(text: str, sentence_start: int, sentence_end: int) -> int:
    """Where a sentence's claim begins: just after its last negating or reporting cue.

    For a claim with no group word to anchor on ("It is a myth that Jamal ..."), so that
    :func:`frame_of` sees the cue before the claim rather than inside it.
    """
    sentence = text[sentence_start:sentence_end]
    start = 0
    for pattern in (_NEGATING, _REPORTING):
        for match in pattern.finditer(sentence):
            start = max(start, match.end())
    joiner = re.match(r"\s*(?:that\b|:|,)", sentence[start:]) if start else None
    return sentence_start + start + (joiner.end() if joiner else 0)
