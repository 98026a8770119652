"""Truncated output: unclosed code fences, brackets and quotes, a cut-off last sentence.

A generation stopped by a token limit ends mid-thought: inside a code block, inside a
parenthesis or quotation, or in the middle of a sentence (often right after "the" or a
comma). Short single-line texts are left alone: chat messages often end unpunctuated, and
so does text whose last word is a value rather than prose (an e-mail address, a URL, a
number, a code identifier), a short label line ("Element: Plutonium-239") or verse.
"""

from __future__ import annotations

import unicodedata

import regex

from guards.analyzers.base import Finding

_FENCE_LINE = regex.compile(r"^[ \t]{0,3}(?:```|~~~)", regex.M)
_FENCED_BLOCK = regex.compile(r"^[ \t]{0,3}(```|~~~)[^\n]*\n.*?^[ \t]{0,3}\1[^\n]*$", regex.M | regex.S)
_INLINE_CODE = regex.compile(r"`[^`\n]+`")
_TERMINAL = set(".!?…:;)]}\"'*>`|" + "\u3002\uff01\uff1f\u201d\u2019\u00bb\u300d\u300f")
_SENTENCE_END = regex.compile(r"[.!?\u3002\uff01\uff1f](?:[\"')\]\u201d\u2019]*)(?=\s|$)")
_STRUCTURAL_LINE = regex.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|\||>|https?://\S+$)")
_WORD = regex.compile(r"\w+")
# A final token that is a value, not prose: e-mail, URL/path, number (with a unit), identifier.
_VALUE_TOKEN = regex.compile(
    r"""[^\s@]+@[^\s@]+\.\w+|(?:https?://|www\.|/)\S+|\S*\d\S*|\S*[_#$]\S*|\S+\(\)|"""
    r"""\w+(?:\.\w+)+|[a-z]+[A-Z]\w*"""
)
SHORT_LINE_WORDS = 8  # a final line this short, on its own line, reads as a label or list item
VERSE_LINES = 3  # this many unpunctuated short lines in a row end like a poem or lyrics
VERSE_LINE_CHARS = 80
FUNCTION_WORDS = frozenset(
    "a an the of to and or but nor with in on for that which is are was were be been by as at from "
    "this these those their its his her our your my than then because if when while whose who whom "
    "into onto over under about between through during without within such very more most also".split()
)
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _mask_code(text: str) -> str:
    """``text`` with closed code blocks and inline code blanked (same length, same offsets)."""
    def blank(m: regex.Match[str]) -> str:
        return regex.sub(r"[^\n]", " ", m.group())
    return _INLINE_CODE.sub(blank, _FENCED_BLOCK.sub(blank, text))


def _finding(kind: str, score: float, start: int, end: int, text: str, source: str, message: str,
             **detail: object) -> Finding:
    return Finding(type=kind, category="truncation", severity="medium" if score >= 0.6 else "low",
                   score=score, start=start, end=end, evidence=text[start:end][:80], message=message,
                   source=source, detail=dict(detail))


def truncation_findings(text: str, source: str, *, skip: list[tuple[int, int]] = ()) -> list[Finding]:
    """Signs that ``text`` was cut off; ``skip`` spans (mojibake runs) are not read as quotes."""
    findings: list[Finding] = []
    fences = list(_FENCE_LINE.finditer(text))
    if len(fences) % 2:
        start = fences[-1].start()
        findings.append(_finding("unclosed_code_fence", 0.75, start, len(text), text, source,
                                 "A code block is opened and never closed: the output was cut off."))
        body = text[:start]
    else:
        body = text
    masked = _mask_code(body)
    # Mojibake is full of curly quotes ("Г" read as cp1252 is "Ð“"): they are not punctuation.
    for start, end in skip:
        end = min(end, len(masked))
        if start < end:
            masked = masked[:start] + " " * (end - start) + masked[end:]

    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(masked):
        if ch in _PAIRS and not (ch == "(" and i and masked[i - 1] in ":;="):  # ":(" is a face
            stack.append((ch, i))
        elif stack and ch == _PAIRS[stack[-1][0]]:
            stack.pop()
    # Only an opener near the end says "cut off"; one early on is a typo.
    if stack and stack[-1][1] >= len(body) - max(200, len(body) * 0.3) and len(body) > 40:
        ch, pos = stack[-1]
        findings.append(_finding("unclosed_bracket", 0.45, pos, len(body.rstrip()), text, source,
                                 f"{ch!r} is never closed before the text ends.", bracket=ch))

    straight = [i for i, c in enumerate(masked) if c == '"']
    if len(straight) % 2 and len(body) > 40:
        findings.append(_finding("unclosed_quote", 0.45, straight[-1], len(body.rstrip()), text, source,
                                 "A quotation is opened and never closed."))
    elif masked.count("\u201c") > masked.count("\u201d"):
        pos = masked.rfind("\u201c")
        findings.append(_finding("unclosed_quote", 0.45, pos, len(body.rstrip()), text, source,
                                 "A quotation is opened and never closed."))

    if not len(fences) % 2:
        cut = _cut_off_sentence(body, masked, text, source)
        if cut:
            findings.append(cut)
    return findings


def _cut_off_sentence(body: str, masked: str, text: str, source: str) -> Finding | None:
    end = len(masked.rstrip())
    if end == 0:
        return None
    last = body[end - 1]
    if last in _TERMINAL or unicodedata.category(last) in ("So", "Sk", "Sm", "Sc"):
        return None
    line_start = body.rfind("\n", 0, end) + 1
    if _STRUCTURAL_LINE.match(body[line_start:end]):
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(masked, 0, end)]
    start = max(ends[-1] if ends else 0, line_start)
    while start < end and body[start].isspace():
        start += 1
    words = _WORD.findall(body[start:end])
    if not words:
        return None
    dangling = words[-1].casefold() in FUNCTION_WORDS or last in ",-\u2013\u2014([{"
    if not dangling and _ends_complete(body, end, line_start):
        return None
    if not ends and end < 200:
        # A one-sentence message may end unpunctuated; only a clearly unfinished one counts.
        if not (dangling and len(words) >= 6):
            return None
    elif len(words) < (1 if dangling else 3):
        return None
    return _finding("cut_off_sentence", 0.8 if dangling else 0.6, start, end, text, source,
                    "The last sentence stops mid-way" + (" after a word that needs a continuation."
                                                         if dangling else " without closing punctuation."),
                    last_word=words[-1])


def _ends_complete(body: str, end: int, line_start: int) -> bool:
    """Whether an unpunctuated, non-dangling ending still reads as finished."""
    last_token = body[:end].rsplit(None, 1)[-1].rstrip("\"'\u201d\u2019")
    if _VALUE_TOKEN.fullmatch(last_token):
        return True
    if line_start == 0:
        return False
    if len(_WORD.findall(body[line_start:end])) <= SHORT_LINE_WORDS and not _SENTENCE_END.search(
            body, line_start, end):
        return True
    lines = body[:end].splitlines()[-VERSE_LINES:]
    return len(lines) == VERSE_LINES and all(
        line.strip() and len(line) <= VERSE_LINE_CHARS and line.rstrip()[-1] not in ".!?" for line in lines)
