"""Cut a text to a token budget at the last sentence boundary that fits.

A cut never falls inside a protected span (a code block or quotation is kept whole or
dropped whole). When not even the first sentence fits, the cut falls back to a word
boundary and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from guards.analyzers.tokenguard.optimizer.protect import ProtectedIndex, protected_spans

_SENTENCE_END = regex.compile(r"[.!?。\uff01\uff1f…]+[\"'\u201d\u2019)\]]*(?=\s|\Z)|[。\uff01\uff1f]|\n")
_WORD_END = regex.compile(r"\S(?=\s)")


@dataclass(frozen=True, slots=True)
class Truncation:
    text: str
    tokens: int
    cut_at: str | None  # "sentence", "word", or None when the text already fits


def _largest_fitting(text: str, cuts: list[int], budget: int, count: Callable[[str], int]) -> int | None:
    lo, hi, best = 0, len(cuts) - 1, None
    while lo <= hi:  # token count of a prefix grows with its length
        mid = (lo + hi) // 2
        if count(text[: cuts[mid]].rstrip()) <= budget:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    return cuts[best] if best is not None else None


def truncate_to_budget(text: str, budget: int, count: Callable[[str], int]) -> Truncation:
    """The longest prefix of ``text`` ending at a boundary whose count is <= ``budget``."""
    tokens = count(text)
    if tokens <= budget:
        return Truncation(text, tokens, None)
    protected = ProtectedIndex(protected_spans(text))
    ends = {m.end() for m in _SENTENCE_END.finditer(text)} | {e for _, e in protected.spans}
    sentence_cuts = sorted(p for p in ends if 0 < p < len(text) and not protected.inside(p))
    cut = _largest_fitting(text, sentence_cuts, budget, count)
    kind = "sentence"
    if cut is None:
        word_cuts = [m.end() for m in _WORD_END.finditer(text) if not protected.inside(m.end())]
        cut, kind = _largest_fitting(text, word_cuts, budget, count), "word"
    kept = text[:cut].rstrip() if cut is not None else ""
    return Truncation(kept, count(kept), kind)
