"""Fingerprints, UTF-16 offsets and linear-time matching of a tenant's lists.

Tenant regular expressions run on RE2 (``google-re2``): matching is linear in the text
whatever the pattern, backreferences and look-arounds are refused when the entry is
saved, and each compiled program is capped at ``POLICY_REGEX_MAX_MEMORY`` bytes. So a
tenant cannot stall a worker with a pathological pattern.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata

import re2
from django.conf import settings

_SPACE = re.compile(r"\s+")


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


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code-unit offset of code-point ``index``: one extra unit per astral character before it."""
    head = text[:index]
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)


def _options() -> re2.Options:
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
        re2.compile(pattern, _options())
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"Not a valid RE2 regular expression: {detail}.") from None


@functools.lru_cache(maxsize=2048)
def compiled(pattern: str) -> re2._Regexp | None:
    """The compiled pattern, once per process; None for one that no longer compiles (skipped)."""
    try:
        return re2.compile(pattern, _options())
    except re2.error:
        return None


def regex_search(pattern: str, text: str) -> bool:
    program = compiled(pattern)
    return program is not None and program.search(text) is not None


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
