"""Matching helpers that keep analyzers linear in their input.

A pattern anchored at the end of a prefix (``\\bnot\\s*$`` on ``text[:pos]``) is cheap to
match but costly to *search*: the engine tries every start from 0, so asking once per
finding in a long text is quadratic. The phrase such a pattern looks for has a known
longest length and ends where the prefix's trailing whitespace begins, so the search can
start just before it, with the same answer.
"""

from __future__ import annotations

import re


def search_suffix(pattern: re.Pattern[str], text: str, start: int, end: int, longest: int) -> re.Match[str] | None:
    """``pattern.search(text, start, end)`` for a pattern ``<phrase>\\s*$`` whose phrase has at most ``longest`` characters.

    The phrase must not end in whitespace; ``\\b`` and lookbehinds still see the text
    before the window, as they do in a search from ``start``.
    """
    phrase_end = end
    while phrase_end > start and text[phrase_end - 1].isspace():
        phrase_end -= 1
    return pattern.search(text, max(start, phrase_end - longest), end)
