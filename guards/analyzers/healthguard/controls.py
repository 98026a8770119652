"""Control characters: C0/C1 controls, DEL and terminal escape sequences.

Tab, line feed and carriage return are text; every other control is either binary
leaking into text (NUL), a pasted terminal log (ANSI escapes) or a decoding accident
(C1 controls, reported as mojibake instead when they belong to a mojibake run).
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

import regex

from guards.analyzers.base import Finding

_ANSI = regex.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_CONTROL_RUN = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")


def _name(ch: str) -> str:
    code = ord(ch)
    if code == 0:
        return "NUL"
    if code < 0x20:
        return f"C0 U+{code:04X}"
    if code == 0x7F:
        return "DEL"
    return f"C1 U+{code:04X}"


def control_findings(text: str, source: str, *, skip: list[tuple[int, int]] = ()) -> list[Finding]:
    """Findings for control characters outside the ``skip`` spans (mojibake runs)."""
    findings = []
    escapes = []
    for m in _ANSI.finditer(text):
        escapes.append(m.span())
        findings.append(Finding(
            type="ansi_escape", category="control", severity="low", score=0.35,
            start=m.start(), end=m.end(), evidence=m.group().encode("unicode_escape").decode(),
            message="Terminal escape sequence (pasted console output).", source=source,
        ))
    blocked = sorted([*skip, *escapes])
    starts = [s for s, _ in blocked]
    reach = list(accumulate((e for _, e in blocked), max, initial=0))  # reach[j]: furthest end of blocked[:j]
    for m in _CONTROL_RUN.finditer(text):
        # Split the run around spans already explained (escape sequences, mojibake).
        # Spans starting at or before the run only push its start past their end; the
        # rest start inside it. Bisection finds both (a scan of all spans per run was
        # quadratic in text full of escapes).
        j = bisect_right(starts, m.start())
        pieces, pos = [], max(m.start(), reach[j])
        for k in range(j, len(blocked)):  # (not blocked[j:]: a copy of the rest per run)
            s, e = blocked[k]
            if s >= m.end():
                break
            if e <= pos:
                continue
            if s > pos:
                pieces.append((pos, s))
            pos = max(pos, e)
        if pos < m.end():
            pieces.append((pos, m.end()))
        for start, end in pieces:
            run = text[start:end]
            has_nul = "\x00" in run
            findings.append(Finding(
                type="control_character", category="control", severity="high" if has_nul else "medium",
                score=min(1.0, (0.85 if has_nul else 0.5) + 0.05 * (len(run) - 1)),
                start=start, end=end, evidence=run.encode("unicode_escape").decode(),
                message="Control characters in text: " + ", ".join(sorted({_name(c) for c in run})) + ".",
                source=source, detail={"count": len(run)},
            ))
    return sorted(findings, key=lambda f: f.start)


def strip_controls(text: str) -> str:
    """``text`` without escape sequences and control characters (tab and newlines kept)."""
    return _CONTROL_RUN.sub("", _ANSI.sub("", text))
