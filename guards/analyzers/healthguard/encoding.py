"""Broken encodings: mojibake, lossy decoding, invalid code points, mixed encodings.

Mojibake is UTF-8 read as Windows-1252 or Latin-1 ("café" -> "cafÃ©", a curly
apostrophe -> "â€" + "™").
We do not guess from a list of bad-looking pairs: we find runs shaped like UTF-8 byte
sequences seen through cp1252/Latin-1 (a lead byte followed by the right number of
continuation bytes), map them back to bytes and keep only runs that really decode as
UTF-8. That is the repair too, so each finding carries the fixed text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

import regex

from guards.analyzers.base import Finding

# char -> byte as a cp1252 (or, for its five undefined bytes and C1, Latin-1) decoder made it.
_TO_BYTE: dict[str, int] = {}
for _b in range(0x80, 0x100):
    _TO_BYTE[chr(_b)] = _b  # Latin-1
    try:
        _TO_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass


def _class(lo: int, hi: int) -> str:
    chars = sorted({c for c, b in _TO_BYTE.items() if lo <= b <= hi})
    return "[" + "".join(regex.escape(c) for c in chars) + "]"


_CONT = _class(0x80, 0xBF)
_SEQUENCE = f"(?:{_class(0xC2, 0xDF)}{_CONT}|{_class(0xE0, 0xEF)}{_CONT}{{2}}|{_class(0xF0, 0xF4)}{_CONT}{{3}})"
_MOJIBAKE_RUN = regex.compile(f"{_SEQUENCE}+")
# "â€" whose third byte (0x9D, undefined in cp1252) was dropped: the classic broken ” quote.
_TRUNCATED_QUOTE = regex.compile(r"â€(?=[\s\"'.,;:!?)]|$)")
_NONCHARACTER = regex.compile(r"[\uFDD0-\uFDEF\uFFFE\uFFFF\U0001FFFE\U0001FFFF\U0010FFFE\U0010FFFF]")


@dataclass(frozen=True, slots=True)
class Mojibake:
    start: int
    end: int
    fixed: str
    layers: int  # how many times the text was mis-decoded


def _undo(run: str) -> str | None:
    try:
        fixed = bytes(_TO_BYTE[c] for c in run).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    # A real repair gives printable characters, not controls or unassigned code points.
    if any(unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs") for c in fixed):
        return None
    return fixed


def find_mojibake(text: str) -> list[Mojibake]:
    """Runs of ``text`` that are UTF-8 mis-decoded as cp1252/Latin-1, with their repair."""
    found = []
    for m in _MOJIBAKE_RUN.finditer(text):
        fixed = _undo(m.group())
        if fixed is None:
            continue
        layers = 1
        while _MOJIBAKE_RUN.fullmatch(fixed) and (again := _undo(fixed)) is not None:
            fixed, layers = again, layers + 1  # mis-decoded twice: undo both layers
        found.append(Mojibake(m.start(), m.end(), fixed, layers))
    # The runs come in order and do not overlap: only the last one starting at or before
    # a position can hold it (bisection; checking every run was quadratic).
    run_starts, run_ends = [f.start for f in found], [f.end for f in found]
    for m in _TRUNCATED_QUOTE.finditer(text):
        i = bisect_right(run_starts, m.start()) - 1
        if not (i >= 0 and m.start() < run_ends[i]):
            found.append(Mojibake(m.start(), m.end(), "\u201d", 1))
    return sorted(found, key=lambda f: f.start)


def repair(text: str, mojibake: list[Mojibake]) -> str:
    out, pos = [], 0
    for f in mojibake:
        out += [text[pos : f.start], f.fixed]
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def _outside(text: str, mojibake: list[Mojibake]) -> list[int]:
    """Positions of ``text`` covered by no mojibake run, in one pass (the runs are sorted by start)."""
    out: list[int] = []
    pos = 0
    for f in mojibake:
        out.extend(range(pos, max(pos, f.start)))
        pos = max(pos, f.end)
    out.extend(range(pos, len(text)))
    return out


def encoding_findings(text: str, source: str) -> tuple[list[Finding], list[Mojibake]]:
    """Mojibake, mixed encodings, U+FFFD, lone surrogates, noncharacters, stray BOMs."""
    findings: list[Finding] = []
    mojibake = find_mojibake(text)
    for f in mojibake:
        findings.append(Finding(
            type="mojibake", category="encoding", severity="medium",
            score=min(1.0, 0.55 + 0.1 * (f.end - f.start) + 0.15 * (f.layers - 1)),
            start=f.start, end=f.end, evidence=text[f.start : f.end],
            message=f"UTF-8 text decoded as Windows-1252/Latin-1; should read {f.fixed!r}.",
            source=source, detail={"fixed": f.fixed, "layers": f.layers},
        ))
    if mojibake:
        # Non-ASCII text outside the mojibake that is fine: the input mixes two encodings.
        clean = [i for i in _outside(text, mojibake)
                 if ord(text[i]) > 0x7F and unicodedata.category(text[i])[0] in "LNPS"]
        if clean:
            findings.append(Finding(
                type="mixed_encoding", category="encoding", severity="medium", score=0.7,
                start=clean[0], end=clean[0] + 1, evidence=text[clean[0]],
                message="Correctly encoded non-ASCII text next to mojibake: the input mixes encodings.",
                source=source, detail={"correct_non_ascii_chars": len(clean), "mojibake_runs": len(mojibake)},
            ))
    for m in regex.finditer(r"\uFFFD+", text):
        findings.append(Finding(
            type="replacement_character", category="encoding", severity="medium",
            score=min(1.0, 0.5 + 0.1 * len(m.group())), start=m.start(), end=m.end(),
            evidence=m.group(), message="U+FFFD: bytes were lost when this text was decoded.",
            source=source, detail={"count": len(m.group())},
        ))
    for m in regex.finditer(r"[\ud800-\udfff]+", text):
        findings.append(Finding(
            type="invalid_codepoint", category="encoding", severity="high", score=0.9,
            start=m.start(), end=m.end(), evidence=m.group().encode("unicode_escape").decode(),
            message="Lone surrogate code points: not valid Unicode text, cannot be encoded as UTF-8.",
            source=source,
        ))
    for m in _NONCHARACTER.finditer(text):
        findings.append(Finding(
            type="noncharacter", category="encoding", severity="low", score=0.4,
            start=m.start(), end=m.end(), evidence=m.group().encode("unicode_escape").decode(),
            message="Unicode noncharacter: never valid in interchanged text.", source=source,
        ))
    for m in regex.finditer("\ufeff", text):
        if m.start() > 0:
            findings.append(Finding(
                type="stray_bom", category="encoding", severity="low", score=0.3,
                start=m.start(), end=m.end(), evidence="\\ufeff",
                message="Byte-order mark inside the text: files were concatenated or re-encoded.",
                source=source,
            ))
    return findings, mojibake
