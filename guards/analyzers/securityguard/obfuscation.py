"""Readable views of a text that undo the usual disguises before rules and model look at it.

Each :class:`View` keeps a map from its characters back to offsets in the original
text, so a rule that matches inside a de-obfuscated view still reports a span that
slices the original exactly. Views: folded (case, NFKC, confusables, invisible
characters dropped), leetspeak, spaced-out letters, rot13, and decoded base64/hex
segments.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass

from guards.analyzers.securityguard.needles import ascii_case_safe
from guards.analyzers.securityguard.unicode_text import CONFUSABLES, HIDDEN_RE, fold_char

_HIDDEN_RE = HIDDEN_RE
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
                       "!": "i", "|": "l", "8": "b", "9": "g", "+": "t"})
# A token is a whole run of these characters holding a letter, so a match starts only
# where a run does (the lookbehind); unanchored, each position of a letterless run (20 KB
# of digits or "!") rescanned the rest of it: quadratic.
_LEET_TOKEN_RE = re.compile(r"(?<![a-z0-9@$!|+])[a-z0-9@$!|+]*[a-z][a-z0-9@$!|+]*")
_LEET_CHARS = frozenset("0134578@$!|+9")
# A whole run of token characters holding at least one leet character.
_LEET_RUN_RE = re.compile(r"(?<![a-z0-9@$!|+])[a-z0-9@$!|+]*[0134578@$!|+9][a-z0-9@$!|+]*")
_SPACED_RE = re.compile(r"(?<![\w])(?:[a-z][ .\-_*/]{1,2}){3,}[a-z](?![\w])")
_B64_RE = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX_RE = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){12,}(?![0-9A-Fa-f])")
_ROT13_HINT_RE = re.compile(r"rot[\s\-_]?13|caesar|cipher", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class View:
    """A transformed text plus the way back to the original offsets.

    ``index`` maps each view character to its original offset (None: identity);
    ``span`` pins the whole view to one original span (decoded segments).
    """

    name: str
    text: str
    index: tuple[int, ...] | None = None
    span: tuple[int, int] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.span is not None:
            return self.span
        if self.index is None:
            return start, end
        end = max(end, start + 1)
        return self.index[start], self.index[min(end, len(self.index)) - 1] + 1


def folded_view(text: str) -> View:
    """Lower case, NFKC, confusables folded, invisible characters dropped."""
    if text.isascii():
        return View("folded", text.lower())
    if not _HIDDEN_RE.search(text):
        # Common case (accents, emoji, CJK): fold with one translate, keep offsets 1:1
        # as long as neither NFKC nor lower-casing changes the length.
        quick = text.translate(_CONFUSABLE_TABLE)
        if unicodedata.is_normalized("NFKC", quick):
            lowered = quick.lower()
            if len(lowered) == len(text):
                return View("folded", lowered)
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for out in fold_char(ch):
            chars.append(out)
            index.append(i)
    return View("folded", "".join(chars), tuple(index))


def leet_view(folded: View) -> View | None:
    """Leetspeak digits and symbols read as letters, inside words that mix both."""
    text = folded.text
    if _LEET_CHARS.isdisjoint(text):
        return None
    # A token (a whole run of token characters holding a letter) is rewritten when it also
    # holds a leet character and two letters. Only runs holding a leet character can be, so
    # only those are visited: the runs _LEET_RUN_RE matches, whole (same start as a token,
    # greedy to the run's end), instead of a callback on every word of the text.
    parts: list[str] = []
    pos = 0
    for m in _LEET_RUN_RE.finditer(text):
        tok = m.group()
        if sum(c.isalpha() for c in tok) >= 2:
            parts.append(text[pos:m.start()])
            parts.append(tok.translate(_LEET))
            pos = m.end()
    if not parts:
        return None
    parts.append(text[pos:])
    return View("leetspeak", "".join(parts), folded.index)


def spaced_view(folded: View) -> View | None:
    """Letters spelled out with separators (``i g n o r e``) joined back into words."""
    text = folded.text
    matches = list(_SPACED_RE.finditer(text))
    if not matches:
        return None
    base = folded.index or tuple(range(len(text)))
    chars: list[str] = []
    index: list[int] = []
    pos = 0
    for m in matches:
        chars.extend(text[pos : m.start()])
        index.extend(base[pos : m.start()])
        gap = 0
        for j in range(m.start(), m.end()):
            if text[j].isalpha():
                if gap >= 2:  # a wider gap separates the spelled-out words
                    chars.append(" ")
                    index.append(base[j - 1])
                chars.append(text[j])
                index.append(base[j])
                gap = 0
            else:
                gap += 1
        chars.append(" ")
        index.append(base[m.end() - 1])
        pos = m.end()
    chars.extend(text[pos:])
    index.extend(base[pos:])
    return View("spaced_letters", "".join(chars), tuple(index))


def _may_name_rot13(text: str) -> bool:
    """False when _ROT13_HINT_RE cannot match: text whose lowered form holds none of its words
    (unless it holds a letter that case-insensitive matching takes for an ASCII one)."""
    if not ascii_case_safe(text):
        return True
    low = text.lower()
    return "rot" in low or "caesar" in low or "cipher" in low


def rot13_view(folded: View, *, force: bool = False) -> View | None:
    if not force and (not _may_name_rot13(folded.text) or not _ROT13_HINT_RE.search(folded.text)):
        return None
    return View("rot13", codecs.encode(folded.text, "rot13"), folded.index)


def _printable_ratio(s: str) -> float:
    if not s:
        return 0.0
    return sum(c.isprintable() or c in "\n\t" for c in s) / len(s)


def _as_text(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(c.isalpha() for c in decoded)
    if _printable_ratio(decoded) < 0.95 or letters < max(4, len(decoded) * 0.5):
        return None
    return decoded


def decoded_segments(text: str, *, hex_too: bool = True) -> list[View]:
    """Base64 (and hex) runs of ``text`` that decode to readable text."""
    out: list[View] = []
    for m in _B64_RE.finditer(text):
        run = m.group()
        if run.isalpha() and (run.islower() or run.isupper()):
            continue  # a long plain word, not an encoding
        padded = run + "=" * (-len(run) % 4)
        try:
            raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _as_text(raw)
        if decoded:
            out.append(View("base64", decoded.lower(), span=(m.start(), m.end())))
    if hex_too:
        for m in _HEX_RE.finditer(text):
            digits = re.sub(r"[ :]", "", m.group())
            if len(digits) % 2:
                digits = digits[:-1]
            try:
                decoded = _as_text(bytes.fromhex(digits))
            except ValueError:
                continue
            if decoded:
                out.append(View("hex", decoded.lower(), span=(m.start(), m.end())))
    return out


def build_views(text: str, *, thorough: bool) -> list[View]:
    """The folded view first, then every de-obfuscated view that differs from it."""
    folded = folded_view(text)
    views = [folded]
    for extra in (leet_view(folded), spaced_view(folded), rot13_view(folded, force=thorough)):
        if extra is not None:
            views.append(extra)
    views.extend(decoded_segments(text, hex_too=thorough or "hex" in folded.text))
    return views
