"""Spans the optimizer must never change: code blocks, inline code and quoted text.

Over-protecting only costs a little saving; under-protecting would change a program or
a quotation, so every pattern errs towards protecting more (an unterminated fence
protects to the end of the text). Numbers are protected differently: no edit ever
removes text containing a digit or rewrites the characters between two digits.
"""

from __future__ import annotations

import bisect

import regex

# A fenced block (``` or ~~~) from its opening line to the matching closing fence, or to
# the end of the text when it is never closed.
_FENCE = regex.compile(
    r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*(?:\n.*?(?:^[ \t]{0,3}(?P=fence)[`~]*[ \t]*$)|.*\Z)",
    regex.M | regex.S,
)
# Indented code: any line starting with four spaces or a tab (kept whole, indentation too).
_INDENTED = regex.compile(r"^(?: {4}|\t)[^\n]*", regex.M)
_INLINE_CODE = regex.compile(r"(`+)[^\n]+?\1")
_QUOTES = regex.compile(
    r"""
      "[^"\n]{1,2000}"
    | “[^”]{1,2000}”
    | „[^“”]{1,2000}[“”]
    | «[^»]{1,2000}»
    | 「[^」]{1,2000}」
    | 『[^』]{1,2000}』
    | (?<![\w'\u2019])'[^'\n]{1,500}'(?![\w])
    | (?<![\w'\u2019])\u2018[^\u2019\n]{1,500}\u2019(?![\w])
    """,
    regex.X,
)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` spans of ``text`` no edit may touch."""
    spans: list[tuple[int, int]] = []
    for pattern in (_FENCE, _INDENTED, _INLINE_CODE, _QUOTES):
        spans.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class ProtectedIndex:
    """Answers "does [start, end) touch a protected span?" in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self._starts = [s for s, _ in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, end - 1 if end > start else start) - 1
        while i >= 0:
            s, e = self.spans[i]
            if e <= start:
                return False
            if s < end or (start == end and s <= start < e):
                return True
            i -= 1
        return False

    def inside(self, pos: int) -> bool:
        """True when a cut at ``pos`` would split a protected span."""
        i = bisect.bisect_right(self._starts, pos - 1) - 1
        return i >= 0 and self.spans[i][0] < pos < self.spans[i][1]
