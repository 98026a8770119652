"""Invisible and confusable text: zero-width and bidi controls, tag characters, homoglyphs.

These characters hide instructions from a human reviewer while the model still reads
them (ASCII smuggling with tag characters, Trojan-Source bidi reordering, Cyrillic
look-alikes that dodge keyword filters). Findings carry exact offsets; the sanitizer
strips the invisible runs, and :func:`fold_char` lets the injection rules read through
the disguise.
"""

from __future__ import annotations

import re
import unicodedata

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.common import CATEGORY_INVISIBLE, excerpt, finding

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u180e\ufeff\u2061\u2062\u2063\u2064\u00ad\u034f\u115f\u1160\u3164")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def is_tag(ch: str) -> bool:
    return 0xE0000 <= ord(ch) <= 0xE007F


def is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def invisible_kind(ch: str) -> str | None:
    """The kind of hidden character ``ch`` is, or None for ordinary text."""
    if ch in ZERO_WIDTH:
        return "zero_width"
    if ch in BIDI:
        return "bidi_control"
    if is_tag(ch):
        return "tag_character"
    if is_variation_selector(ch):
        return "variation_selector"
    return None


HIDDEN_RE = re.compile(
    "[" + "".join(sorted(ZERO_WIDTH | BIDI)) + "\U000e0000-\U000e007f\ufe00-\ufe0f\U000e0100-\U000e01ef]+"
)

# Look-alikes of Latin letters from Cyrillic, Greek and other scripts (Unicode
# confusables, the subset seen in practice in filter evasion).
# Keys are written as escapes so the table itself cannot be misread.
CONFUSABLES: dict[str, str] = {
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0451": "e", "\u043a": "k", "\u043c": "m", "\u043d": "h", "\u043e": "o",
    "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y", "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0457": "i",
    "\u0458": "j", "\u0501": "d", "\u051b": "q", "\u051d": "w", "\u04bb": "h", "\u0261": "g", "\u04cf": "l", "\u044c": "b",
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H", "\u041e": "O", "\u0420": "P",
    "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u0423": "Y", "\u0405": "S", "\u0406": "I", "\u0408": "J", "\u0500": "D",
    "\u03b1": "a", "\u03bf": "o", "\u03c1": "p", "\u03bd": "v", "\u03c4": "t", "\u03b9": "i", "\u03ba": "k", "\u03c5": "u",
    "\u03b5": "e", "\u03c7": "x", "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
    "\u0251": "a", "\u0269": "i", "\u057d": "u", "\u0585": "o", "\u0578": "n",
}

_WORD_RE = re.compile(r"\w+")


def script_of(ch: str) -> str | None:
    """Coarse script of a letter (LATIN, CYRILLIC, GREEK, ...); None for non-letters."""
    if not ch.isalpha():
        return None
    if ch.isascii():
        return "LATIN"
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return None


def fold_char(ch: str) -> str:
    """``ch`` as the plain lower-case text a reader sees (NFKC, confusables folded)."""
    if ch.isascii():
        return ch.lower()
    if invisible_kind(ch):
        return ""
    if is_tag(ch):
        return ""
    ch = CONFUSABLES.get(ch, ch)
    return unicodedata.normalize("NFKC", ch).lower()


def decode_tags(run: str) -> str:
    """The ASCII a run of Unicode tag characters spells (the 'ASCII smuggling' trick)."""
    return "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)


def detect_invisible(text: str) -> list[Finding]:
    """One finding per run of hidden characters, and one per mixed-script word."""
    if text.isascii():
        return []
    out: list[Finding] = []
    for m in HIDDEN_RE.finditer(text):
        run = m.group()
        kinds = sorted({k for k in map(invisible_kind, run) if k})
        if run == "\ufeff" and m.start() == 0:
            continue  # a byte-order mark at the very start is an encoding artefact, not a trick
        hidden = decode_tags(run)
        severity = "high" if ("tag_character" in kinds and hidden) or "bidi_control" in kinds else "medium"
        detail: dict = {"kinds": kinds, "length": len(run),
                        "codepoints": [f"U+{ord(c):04X}" for c in run[:8]]}
        if hidden:
            detail["hidden_text"] = hidden[:200]
        out.append(finding(
            type="invisible_characters", category=CATEGORY_INVISIBLE, severity=severity, confidence=1.0,
            start=m.start(), end=m.end(), evidence=", ".join(detail["codepoints"]),
            message=f"{len(run)} invisible character(s): {', '.join(kinds)}", detail=detail,
        ))
    out.extend(_mixed_script_words(text))
    return out


def _mixed_script_words(text: str) -> list[Finding]:
    out = []
    for m in _WORD_RE.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        scripts = {s for s in map(script_of, word) if s}
        if "LATIN" not in scripts or len(scripts) < 2:
            continue
        lookalikes = [c for c in word if c in CONFUSABLES]
        if not lookalikes:
            continue
        folded = "".join(CONFUSABLES.get(c, c) for c in word)
        out.append(finding(
            type="homoglyph_mixing", category=CATEGORY_INVISIBLE, severity="medium", confidence=0.9,
            start=m.start(), end=m.end(), evidence=excerpt(text, m.start(), m.end()),
            message=f"Word mixes scripts ({', '.join(sorted(scripts))}) with look-alike letters",
            detail={"scripts": sorted(scripts), "reads_as": folded,
                    "lookalikes": [f"U+{ord(c):04X}" for c in lookalikes[:8]]},
        ))
    return out


def strip_invisible(text: str) -> str:
    return HIDDEN_RE.sub("", text)
