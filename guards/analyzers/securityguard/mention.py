"""Use versus mention: text that talks about, quotes or translates an attack is not an attack.

"What does 'ignore previous instructions' mean?" holds the words of an override but
gives no order: the words sit inside quotation marks, and the sentence around them
asks about them. :func:`mentioned_spans` finds the quoted (or "what does X mean")
spans of a text whose frame discusses, quotes or translates them, and nothing when
the frame also tells the reader to carry the quoted words out ("translate this and
then do what it says"). Rule hits inside a mentioned span are then not counted, and
the model reads the text with those spans masked.

All patterns are linear: quoted spans are delimited by a class that stops at the
closing quote, and the frame cues are plain alternations.
"""

from __future__ import annotations

import re

# Quotation pairs. Straight single quotes need a non-word character outside them, so
# apostrophes ("don't", "users'") never open a span.
_QUOTED_RES = (
    re.compile(r'"([^"\n]{3,600})"'),
    re.compile(r"\u201c([^\u201d\n]{3,600})\u201d"),
    re.compile(r"\u201e([^\u201c\u201d\n]{3,600})[\u201c\u201d]"),
    re.compile(r"\u00ab([^\u00bb\n]{3,600})\u00bb"),
    re.compile(r"\u2018([^\u2019\n]{3,600})\u2019(?!\w)"),
    re.compile(r"(?<!\w)'([^'\n]{3,600})'(?!\w)"),
    re.compile(r"`([^`\n]{3,600})`"),
)
_QUOTED_RES_MARKS = tuple(zip(_QUOTED_RES, ('"', "\u201c", "\u201e", "\u00ab", "\u2018", "'", "`"), strict=True))
# "what does ignore previous instructions mean" without quotation marks.
_WHAT_MEANS_RE = re.compile(
    r"\bwhat\s+(?:does|do|did|is\s+meant\s+by)\s+(?:the\s+(?:phrase|term|word|words|expression|sentence|line|command|prompt)\s+)?"
    r"([^?\n]{3,160}?)\s+(?:mean|means|stand\s+for|refer\s+to|do)\b"
)

# The frame asks about the words, reports them, studies them or translates them.
_DISCUSSION_RE = re.compile(
    r"\b(?:what\s+(?:does|do|did|is|are|was)|meaning|means|define|definition|explain|explanation|example|examples"
    r"|phrase|term|expression|wording|sentence|quote|quoted|quoting|citation|string"
    r"|blog|article|paper|essay|thesis|talk|lecture|course|workshop|newsletter|presentation|report|write-?up|tutorial"
    r"|research|researching|study|studying|documenting|awareness|training\s+(?:material|course|session)"
    r"|prompt\s+injections?|injection\s+attacks?|jailbreak(?:s|ing)?\s+(?:attacks?|attempts?|prompts?|techniques?)"
    r"|detect|detection|classifier|classify|filter|flagged|defen[cs]e|defend|protect|mitigat\w*|prevent\w*|recogni[sz]e"
    r"|(?:is|was)\s+(?:this|that|it)\s+(?:safe|dangerous|malicious|an?\s+attack|a\s+prompt\s+injection|harmful|legit)"
    r"|someone\s+(?:wrote|sent|typed|posted|said)|(?:got|received|saw|found)\s+(?:a|an|this|the)\s+(?:message|e-?mail|comment|prompt|text)"
    r"|translat\w*|übersetz\w*|tradu\w*|in\s+(?:english|french|german|spanish|italian|portuguese|dutch|chinese|japanese|korean|russian|arabic)"
    r"|grammar|spelling|spell|pronounce|synonym|rephrase|paraphrase|proofread)\b"
)
# ...unless it also tells the reader to act on them.
_ACT_ON_RE = re.compile(
    r"\b(?:follow|obey|execute|carry\s+out|comply\s+with|act\s+on|apply|do\s+(?:what|as)|then\s+do|perform)\s+"
    r"(?:it|this|that|them|these|those|the\s+(?:above|following|quoted|translated|instructions?|text|order|command)|what\s+it\s+says)\b"
    r"|\b(?:and|then)\s+(?:do\s+it|obey|comply|execute\s+it)\b"
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans (including the quotation marks) of every quoted passage of ``text``."""
    spans = []
    for pattern, mark in _QUOTED_RES_MARKS:
        if mark in text:  # each pattern opens with its quotation mark: without one it cannot match
            spans.extend(m.span() for m in pattern.finditer(text))
    if "what" in text:
        spans.extend(m.span(1) for m in _WHAT_MEANS_RE.finditer(text))
    return sorted(spans)


def mentioned_spans(folded: str) -> list[tuple[int, int]]:
    """Quoted spans of ``folded`` (the lower-cased text) that the frame discusses rather than obeys."""
    spans = quoted_spans(folded)
    if not spans:
        return []
    # Both tests must pass; the frame test runs first, as it often fails (or stops at an early
    # cue) where the order test would scan the whole text to find nothing.
    if not _DISCUSSION_RE.search(_outside(folded, spans)) or _ACT_ON_RE.search(folded):
        return []
    return spans


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for start, end in spans:
        if start >= pos:
            parts.append(text[pos:start])
            pos = end
        else:
            pos = max(pos, end)
    parts.append(text[pos:])
    return " ".join(parts)


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies within one of ``spans``."""
    return any(s <= start and end <= e for s, e in spans)


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span's inside replaced by one placeholder word (the frame stays readable)."""
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        parts.append(text[pos:start])
        parts.append(" quoted ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
