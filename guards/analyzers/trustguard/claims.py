"""Split a model's output into checkable claims (sentences, then clauses), with offsets.

A claim is the unit grounding judges: a sentence, or a clause when a sentence joins
independent statements ("X was born in 1950; he died in 2001", "X is big, but Y is small").
Claims without any content word ("Sure!", "Here you go:") are dropped: nothing to check.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from guards.analyzers.trustguard.text import Span, sentences, tokens

# Where one sentence holds two statements; the separator itself stays out of both claims.
# A break starts at its ";" or "," or where a whitespace run begins (the lookbehind): the
# scan meets it there first, and unanchored, each position of a long whitespace run
# rescanned the rest of it (quadratic).
_CLAUSE_BREAK_RE = re.compile(
    r";\s*|,\s*(?:but|while|whereas|although|though|however|yet)\s+"
    r"|(?<!\s)\s+(?:;\s*|,\s*(?:but|while|whereas|although|though|however|yet)\s+|(?:but|whereas)\s+)",
    re.IGNORECASE,
)
_WORD_RUN_RE = re.compile(r"\S+")
_MIN_CLAUSE_WORDS = 3  # shorter pieces stay attached: "X, but not Y" is one claim


def split_claims(text: str) -> list[Span]:
    """Claims of ``text`` in order; ``text[c.start:c.end] == c.text`` for every claim."""
    out: list[Span] = []
    for sentence in sentences(text):
        for clause in _clauses(sentence):
            if any(t.is_content or t.lower.isdigit() for t in tokens(clause.text)):
                out.append(clause)
    return out


def _clauses(sentence: Span) -> list[Span]:
    pieces: list[Span] = []
    start = 0
    # Words (as str.split sees them) of any slice, counted from the word runs by
    # bisection: splitting the rest of the sentence at every break was quadratic.
    runs = [m.span() for m in _WORD_RUN_RE.finditer(sentence.text)]
    run_starts = [s for s, _ in runs]
    run_ends = [e for _, e in runs]

    def words(begin: int, end: int) -> int:
        return bisect_left(run_starts, end) - bisect_right(run_ends, begin)

    for match in _CLAUSE_BREAK_RE.finditer(sentence.text):
        if words(start, match.start()) >= _MIN_CLAUSE_WORDS and words(match.end(), len(sentence.text)) >= _MIN_CLAUSE_WORDS:
            pieces.append(_piece(sentence, start, match.start()))
            start = match.end()
    pieces.append(_piece(sentence, start, len(sentence.text)))
    return [p for p in pieces if p.text]


def _piece(sentence: Span, start: int, end: int) -> Span:
    chunk = sentence.text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    chunk = chunk.strip()
    begin = sentence.start + start + lead
    return Span(chunk, begin, begin + len(chunk))
