"""Fingerprints, UTF-16 offsets and linear-time matching of a tenant's lists.

Tenant regular expressions run on RE2 (``google-re2``): matching is linear in the text
whatever the pattern, backreferences and look-arounds are refused when the entry is
saved, and each compiled program is capped at ``POLICY_REGEX_MAX_MEMORY`` bytes. So a
tenant cannot stall a worker with a pathological pattern.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import hmac
import re
import unicodedata

import re2
from django.conf import settings

_SPACE = re.compile(r"\s+")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class PatternError(ValueError):
    """A tenant regex RE2 cannot (or may not) compile; the message is safe to show."""


def normalise(text: str) -> str:
    """Compatibility-folded, case-folded, whitespace-collapsed: what fingerprints and phrases compare."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def fingerprint(*, tenant_id: int, finding_type: str, evidence: str) -> str:
    """A finding's identity for one tenant: HMAC of type + normalised evidence (32 hex).

    Keyed, and per tenant, so the audit trail can keep it without the text it stands
    for being recoverable by hashing guesses, and one tenant's fingerprint says nothing
    about another's data.
    """
    message = f"{tenant_id}\x1f{finding_type}\x1f{normalise(evidence)}".encode("utf-8", "surrogatepass")
    return hmac.new(settings.POLICY_FINGERPRINT_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


class Utf16Index:
    """Code-point offsets of one text to UTF-16 code units: one extra unit per astral character before.

    Built once per text (a C-speed regex pass), then O(log k) per offset for k astral
    characters; text without any (most text) maps every offset to itself.
    """

    __slots__ = ("_astral",)

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index) if self._astral else index


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code-unit offset of code-point ``index`` in ``text``."""
    return Utf16Index(text[:index])(index)


def options() -> re2.Options:
    options = re2.Options()
    options.max_mem = settings.POLICY_REGEX_MAX_MEMORY
    options.log_errors = False
    return options


def regex_validate(pattern: str) -> None:
    """Refuse a pattern that is too long or that RE2 cannot compile (e.g. backreferences)."""
    limit = settings.POLICY_REGEX_MAX_LENGTH
    if len(pattern) > limit:
        raise PatternError(f"A regular expression may have at most {limit} characters.")
    try:
        re2.compile(pattern, options())
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"Not a valid RE2 regular expression: {detail}.") from None


@functools.lru_cache(maxsize=2048)
def compiled(pattern: str) -> re2._Regexp | None:
    """The compiled pattern, once per process; None for one that no longer compiles (skipped)."""
    try:
        return re2.compile(pattern, options())
    except re2.error:
        return None


def regex_spans(pattern: str, text: str, *, limit: int = 20) -> list[tuple[int, int]]:
    """Up to ``limit`` non-empty match spans (code-point offsets)."""
    program = compiled(pattern)
    if program is None:
        return []
    spans = []
    for match in program.finditer(text):
        if match.end() > match.start():
            spans.append((match.start(), match.end()))
            if len(spans) >= limit:
                break
    return spans


def phrase_spans(phrase: str, text: str, *, limit: int = 20) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text``, ignoring case (exact characters otherwise)."""
    needle = phrase.casefold()
    if not needle:
        return []
    # casefold can change lengths (ß -> ss): search the folded text only when it kept them.
    haystack = text.casefold()
    if len(haystack) != len(text):
        haystack, needle = text, phrase
    spans, start = [], haystack.find(needle)
    while start != -1 and len(spans) < limit:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + len(needle))
    return spans
