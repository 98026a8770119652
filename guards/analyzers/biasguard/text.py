"""Offset-preserving text helpers shared by the biasguard detectors.

Every detector reports character offsets into the original payload, so nothing here
rewrites the text before matching: splitting and normalisation keep a map back to
the original positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? or a newline run; abbreviations are rare enough in the
# guard's inputs that a simple rule beats a model on latency.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”\u2019)\]]*(?=\s|$)|\n\s*\n|\n")


@dataclass(frozen=True, slots=True)
class Span:
    """A slice of the original text: ``text[start:end] == value``."""

    start: int
    end: int
    value: str


def sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans (leading/trailing whitespace trimmed)."""
    out: list[Span] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        _append_trimmed(out, text, pos, match.end())
        pos = match.end()
    _append_trimmed(out, text, pos, len(text))
    return out


def _append_trimmed(out: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end, text[start:end]))


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"})


def fold(text: str) -> str:
    """Lower-case and undo common digit-for-letter swaps, keeping the length unchanged.

    Used only for matching slurs and insults, so ``fold(t)[i]`` still lines up with
    ``t[i]`` and offsets need no mapping back.
    """
    return text.lower().translate(_LEET).replace("\u2019", "'")


def redact(value: str) -> str:
    """Mask a term for evidence: first and last letter kept, the rest starred."""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def match_case(replacement: str, original: str) -> str:
    """Give ``replacement`` the capitalisation pattern of ``original``."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def excerpt(text: str, start: int, end: int, *, limit: int = 120) -> str:
    """The span itself, shortened in the middle when it is long."""
    value = text[start:end]
    if len(value) <= limit:
        return value
    half = (limit - 3) // 2
    return value[:half] + "..." + value[-half:]


def masked_excerpt(text: str, start: int, end: int, masked: list[tuple[int, int]]) -> str:
    """``text[start:end]`` as evidence, each span of ``masked`` inside it redacted (slurs are never echoed)."""
    chars = list(text[start:end])
    for m_start, m_end in masked:
        if start <= m_start and m_end <= end:
            chars[m_start - start:m_end - start] = redact(text[m_start:m_end])
    return excerpt("".join(chars), 0, len(chars))
