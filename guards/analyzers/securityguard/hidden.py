"""Text a person reading the rendered message does not see, but a model reading the source does.

Indirect prompt injection hides its orders where a reviewer will not look: HTML
comments in an e-mail, ``alt``/``title`` attributes, elements styled invisible,
Markdown image alt text and link-reference comments, Unicode tag characters
("ASCII smuggling"). Each such span becomes a :class:`~.obfuscation.View` pinned to
its original offsets, so the injection rules and the model read it on its own, and
:func:`directive_strength` says whether it reads as an order to an assistant.

Every scan here is linear in the text: ``str.find`` walks, and regexes whose
repeated classes stop at the delimiter that ends them.
"""

from __future__ import annotations

import re

from guards.analyzers.securityguard.obfuscation import View
from guards.analyzers.securityguard.unicode_text import HIDDEN_RE, decode_tags

MAX_SPAN = 2000  # longest hidden span read (an order is short; a huge comment is markup)
HIDDEN_VIEW_NAMES = frozenset({"html_comment", "markup_attribute", "hidden_element", "image_alt_text",
                               "markdown_comment", "tag_characters"})
MAX_SPANS = 64  # a page of ad markup must not multiply the work

_ATTR_RE = re.compile(r"""(?i)\b(alt|title|aria-label|data-[a-z-]{1,30}|placeholder)\s*=\s*(?:"([^"<>]{4,2000})"|'([^'<>]{4,2000})')""")
_TAG_RE = re.compile(r"(?i)<([a-z][a-z0-9]{0,15})\b([^<>]{0,600})>")
_INVISIBLE_CSS_RE = re.compile(
    r"(?i)display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(?<![-\w])color\s*:\s*(?:white|#fff(?:fff)?\b|transparent)|(?:^|\s)hidden(?=\s|=|/|$)"
)
_MD_IMAGE_RE = re.compile(r"!\[([^\]\n]{4,500})\]\(")
_MD_COMMENT_RE = re.compile(r"(?m)^\s{0,3}\[(?://|comment|_)\]:\s*#\s*[(\"']([^\n]{4,2000})[)\"']\s*$")
_TEXT_CHUNK_RE = re.compile(r"[^<]{1,2000}")
_VOID_TAGS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

# An order to an assistant: the words an injected instruction is built from. A span
# must show one of these to count as a directive, so layout comments and captions
# ("<!-- header -->", alt="Team photo, 2024") stay what they are.
_ADDRESS_RE = re.compile(
    r"\b(?:ai|assistant|chat ?bot|bot|model|llm|agent|gpt|chatgpt|copilot|claude|gemini|language model)\b"
    r"|\b(?:note|instructions?|message|important|attention)\s+(?:to|for)\s+(?:the\s+)?(?:ai|assistant|model|llm|agent|bot)\b"
    r"|\bwhen\s+(?:you\s+)?(?:summari[sz]|read|process|answer|respond|reply|rewrit|translat)\w*\s+(?:this|the|these)\b"
)
_IMPERATIVE_RE = re.compile(
    r"(?:^|[.!:;,\n]\s*|\b(?:please|now|then|and|instead|also)\s+)"
    r"(?:ignore|disregard|forget|override|do\s+not|don't|never|always|instead|send|forward|email|e-mail|reply|respond"
    r"|say|tell|write|include|insert|append|add|output|print|reveal|leak|summari[sz]e|recommend|describe|visit|click"
    r"|open|navigate|fetch|download|delete|remove|transfer|pay|approve|grant|call|run|execute|exfiltrate|copy|post"
    r"|upload|rate|rank|praise|mention|answer|translate|act|pretend|you\s+(?:must|should|will|are\s+to|need\s+to|have\s+to))\b"
)


def _clip(start: int, end: int) -> tuple[int, int]:
    return start, min(end, start + MAX_SPAN)


def html_comments(text: str) -> list[tuple[int, int, int, int]]:
    """``(start, end, inner_start, inner_end)`` of each ``<!-- ... -->``; an unclosed one runs to the end."""
    out = []
    pos = 0
    while len(out) < MAX_SPANS:
        start = text.find("<!--", pos)
        if start < 0:
            break
        close = text.find("-->", start + 4)
        end = len(text) if close < 0 else close + 3
        inner_end = len(text) if close < 0 else close
        out.append((start, end, start + 4, inner_end))
        pos = end
    return out


def _hidden_elements(text: str) -> list[tuple[int, int]]:
    """Content spans of elements styled invisible (``display:none``, zero font size, white text, ``hidden``)."""
    out = []
    for m in _TAG_RE.finditer(text):
        if len(out) >= MAX_SPANS:
            break
        if m.group(1).lower() in _VOID_TAGS or not _INVISIBLE_CSS_RE.search(m.group(2)):
            continue
        body = _TEXT_CHUNK_RE.match(text, m.end())
        if body:
            out.append(body.span())
    return out


def hidden_views(text: str) -> list[View]:
    """One view per hidden span that holds words, pinned to its original span."""
    views: list[View] = []

    def add(name: str, start: int, end: int, inner: str) -> None:
        inner = inner.strip()
        if len(views) < MAX_SPANS and sum(c.isalpha() for c in inner) >= 4:
            views.append(View(name, inner.lower(), span=(start, end)))

    if "<!--" in text:
        for start, end, i0, i1 in html_comments(text):
            i0, i1 = _clip(i0, i1)
            add("html_comment", start, end, text[i0:i1])
    if "=" in text:
        for m in _ATTR_RE.finditer(text):
            add("markup_attribute", m.start(), m.end(), m.group(2) or m.group(3) or "")
    if "<" in text:
        for start, end in _hidden_elements(text):
            add("hidden_element", start, end, text[start:end])
    if "](" in text:
        for m in _MD_IMAGE_RE.finditer(text):
            add("image_alt_text", m.start(), m.end(), m.group(1))
    if "]:" in text:
        for m in _MD_COMMENT_RE.finditer(text):
            add("markdown_comment", m.start(), m.end(), m.group(1))
    if not text.isascii():
        for m in HIDDEN_RE.finditer(text):
            add("tag_characters", m.start(), m.end(), decode_tags(m.group()))
    return views


def directive_strength(hidden: str) -> float:
    """0..1: how much a hidden span reads as an order to an assistant (addressee and imperative)."""
    imperative = bool(_IMPERATIVE_RE.search(hidden))
    addressed = bool(_ADDRESS_RE.search(hidden))
    if imperative and addressed:
        return 1.0
    if imperative:
        return 0.5
    return 0.0


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by as many spaces (offsets stay valid)."""
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
