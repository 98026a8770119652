"""Invisible characters: zero-width, bidi controls, tag characters, stray variation selectors.

They survive copy-paste from web pages and PDFs, split words so search and tokenizers
see something other than what a reader sees, and can carry hidden text. A reader cannot
see them, so the text is flagged for a person to look at; it is never blocked on this
alone. The character classes are securityguard's (one definition of "invisible"); this
module decides which uses are ordinary writing and skips them: a leading byte-order mark
(encoding reports stray ones), a joiner inside an emoji sequence or between letters of a
script that needs joiners (Arabic, Indic), a zero-width space between letters of a
script written without spaces (Thai), a soft hyphen inside a word, a variation selector
choosing emoji or text style for the symbol before it.
"""

from __future__ import annotations

import unicodedata

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.unicode_text import HIDDEN_RE, decode_tags, invisible_kind

# Scores stay below the default block threshold: a person should look, nothing more.
SCORES = {"zero_width": 0.6, "variation_selector": 0.6, "bidi_control": 0.7, "tag_character": 0.75}
# Joiners shape Arabic and Indic writing; a zero-width space marks word breaks in Thai,
# Khmer, Lao, Myanmar and Japanese text.
_JOINERS = frozenset("\u200b\u200c\u200d")
_SOFT_HYPHEN = "\u00ad"


def _pictographic(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or 0x1F000 <= ord(ch) <= 0x1FAFF


def _joining_letter(ch: str) -> bool:
    """A letter or vowel sign of a script other than Latin, Greek or Cyrillic (Arabic, Indic, Thai...)."""
    return unicodedata.category(ch)[0] in "LM" and not ch.isascii() and unicodedata.name(ch, "").split(
        " ", 1)[0] not in ("LATIN", "GREEK", "CYRILLIC", "COMBINING")


def _ordinary(text: str, start: int, end: int) -> bool:
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if run == "\ufeff":
        return True  # a BOM: at the start it is harmless, elsewhere encoding reports it
    if set(run) <= _JOINERS and len(run) == 1:
        if run != "\u200b" and before and after and _pictographic(before) and _pictographic(after):
            return True  # emoji ZWJ sequence (👩‍💻)
        if before and after and _joining_letter(before) and _joining_letter(after):
            return True
    if run == _SOFT_HYPHEN and before.isalpha() and after.isalpha():
        return True  # a hyphenation hint inside a word, common in text copied from web pages
    if len(run) == 1 and invisible_kind(run) == "variation_selector" and before and (
            not before.isascii() or after == "\u20e3"):
        return True  # emoji/text style of a symbol or ideograph; a keycap (1️⃣)
    # An emoji, its style selector and a joiner, in one run (❤️‍🔥).
    return (len(run) == 2 and invisible_kind(run[0]) == "variation_selector" and run[1] == "\u200d"
            and bool(before) and _pictographic(before) and bool(after) and _pictographic(after))


#: Runs reported one by one; past this many, one finding covers the rest (a text laced with
#: thousands of hidden characters must not cost a finding, and its serialisation, per run).
MAX_RUN_FINDINGS = 50


def _hidden_runs(text: str):  # type: ignore[no-untyped-def]
    """The runs of invisible characters that are not ordinary writing, as regex matches."""
    if text.isascii():
        return
    for m in HIDDEN_RE.finditer(text):
        if not _ordinary(text, m.start(), m.end()):
            yield m


def _run_finding(run: str, start: int, end: int, source: str, *, runs: int = 1) -> Finding:
    kinds = sorted({k for k in map(invisible_kind, run) if k})
    hidden = decode_tags(run)
    detail: dict = {"kinds": kinds, "count": len(run), "codepoints": [f"U+{ord(c):04X}" for c in run[:8]]}
    if runs > 1:
        detail["runs"] = runs
    if hidden:
        detail["hidden_text"] = hidden[:200]
    score = max(SCORES[k] for k in kinds)
    where = f" in {runs} runs" if runs > 1 else ""
    return Finding(
        type="invisible_characters", category="invisible", severity="medium" if score >= 0.7 else "low",
        score=score, start=start, end=end, evidence=", ".join(detail["codepoints"]),
        message=f"{len(run)} invisible character(s){where} ({', '.join(k.replace('_', ' ') for k in kinds)}): "
                "the text is not what a reader sees.",
        source=source, detail=detail,
    )


def invisible_findings(text: str, source: str) -> list[Finding]:
    """One finding per run of invisible characters that is not ordinary writing (the first
    :data:`MAX_RUN_FINDINGS`; one more finding spans all later runs)."""
    findings: list[Finding] = []
    rest: list[str] = []
    rest_start = rest_end = 0
    for m in _hidden_runs(text):
        if len(findings) < MAX_RUN_FINDINGS:
            findings.append(_run_finding(m.group(), m.start(), m.end(), source))
            continue
        if not rest:
            rest_start = m.start()
        rest.append(m.group())
        rest_end = m.end()
    if rest:
        findings.append(_run_finding("".join(rest), rest_start, rest_end, source, runs=len(rest)))
    return findings


def strip_invisible(text: str) -> str:
    """``text`` without the invisible runs :func:`invisible_findings` reports (ordinary ones kept)."""
    out, pos = [], 0
    for m in _hidden_runs(text):
        out.append(text[pos:m.start()])
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)
