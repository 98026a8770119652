"""The sanitized text: secrets and PII replaced by typed numbered placeholders, hidden characters stripped.

Placeholders (``[EMAIL_1]``, ``[AWS_ACCESS_KEY_1]``) are numbered per type in order of
first appearance and reused for a repeated value, so a client holding the original
can map them back. The placeholder list gives type and offsets only: echoing the
values would hand the secrets straight back in the response.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass
from itertools import groupby

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.common import CATEGORY_INVISIBLE, REDACTED_CATEGORIES

# Which finding wins when two overlap: secrets before PII before cosmetic fixes.
_PRIORITY = {"secret": 0, "pii": 1, CATEGORY_INVISIBLE: 2}


@dataclass(frozen=True, slots=True)
class Placeholder:
    placeholder: str
    type: str
    start: int  # span in the original text
    end: int
    sanitized_start: int  # span of the placeholder in the sanitized text
    sanitized_end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    replacement: str
    type: str | None  # set for placeholders


def _first_disjoint(candidates: list[Finding]) -> list[Finding]:
    """Each candidate (in priority order) that overlaps none taken before it, sorted by start.

    Comparing each with every span taken so far was quadratic (20 KB of zero-width
    characters, one finding each, took 20 s). Within one priority the candidates come
    by start, so only the last one taken of that priority can overlap; spans taken at
    higher priorities are disjoint and sorted, so bisection finds the only neighbours.
    """
    taken: list[Finding] = []
    for _, group in groupby(candidates, key=lambda f: _PRIORITY.get(f.category, 9)):
        starts = [f.start for f in taken]
        ends = [f.end for f in taken]
        accepted: list[Finding] = []
        for f in group:
            start, end = f.start, f.end
            assert start is not None and end is not None
            if accepted and start < accepted[-1].end:  # type: ignore[operator]
                continue
            i = bisect_right(starts, start)  # type: ignore[arg-type]
            if (i and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):  # type: ignore[operator]
                continue
            accepted.append(f)
        taken = sorted(taken + accepted, key=lambda f: f.start)  # type: ignore[arg-type,return-value]
    return taken


def sanitize(text: str, findings: list[Finding], *, redact: bool = True) -> tuple[str, list[Placeholder]]:
    """Apply every redaction and strip to ``text``; return the new text and the placeholders used."""
    candidates = [
        f for f in findings
        if f.start is not None and f.end is not None and f.end > f.start
        and ((redact and f.category in REDACTED_CATEGORIES) or f.category == CATEGORY_INVISIBLE)
    ]
    candidates.sort(key=lambda f: (_PRIORITY.get(f.category, 9), f.start, -(f.end or 0)))
    chosen = _first_disjoint(candidates)

    numbers: dict[str, int] = {}
    labels: dict[tuple[str, str], str] = {}
    edits: list[_Edit] = []
    for f in chosen:
        assert f.start is not None and f.end is not None
        if f.category == CATEGORY_INVISIBLE:
            reads_as = f.detail.get("reads_as") if f.type == "homoglyph_mixing" else ""
            edits.append(_Edit(f.start, f.end, reads_as or "", None))
            continue
        key = (f.type, text[f.start : f.end])
        if key not in labels:
            numbers[f.type] = numbers.get(f.type, 0) + 1
            labels[key] = f"[{f.type}_{numbers[f.type]}]"
        edits.append(_Edit(f.start, f.end, labels[key], f.type))

    parts: list[str] = []
    placeholders: list[Placeholder] = []
    pos = 0
    out_len = 0
    for e in edits:
        parts.append(text[pos : e.start])
        out_len += e.start - pos
        if e.type is not None:
            placeholders.append(Placeholder(e.replacement, e.type, e.start, e.end, out_len, out_len + len(e.replacement)))
        parts.append(e.replacement)
        out_len += len(e.replacement)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts), placeholders
