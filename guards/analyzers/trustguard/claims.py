"""Split a model's output into checkable claims (sentences, then clauses), with offsets.

A claim is the unit grounding judges: a sentence, or a clause when a sentence joins
independent statements ("X was born in 1950; he died in 2001", "X is big, but Y is small").
Claims without any content word ("Sure!", "Here you go:") are dropped: nothing to check.
"""

from __future__ import annotations

import re

from guards.analyzers.trustguard.text import Span, sentences, tokens

# Where one sentence holds two statements; the separator itself stays out of both claims.
_CLAUSE_BREAK_RE = re.compile(
    r"\s*;\s*|\s*,\s*(?:but|while|whereas|although|though|however|yet)\s+|\s+(?:but|whereas)\s+",
    re.IGNORECASE,
)
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
    for match in _CLAUSE_BREAK_RE.finditer(sentence.text):
        left = sentence.text[start : match.start()]
        right = sentence.text[match.end() :]
        if len(left.split()) >= _MIN_CLAUSE_WORDS and len(right.split()) >= _MIN_CLAUSE_WORDS:
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
