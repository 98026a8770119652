"""What a provider rule is: a documented token format, its label, family and validator.

Two kinds of rule:

- **prefixed**: the token names its issuer (``ghp_``, ``xoxb-``, ``AKIA``...). The regex
  is the provider's documented prefix, length and alphabet; ``hints`` are literal
  fragments one of which every match contains, so a cheap ``in`` test skips the regex
  on most texts.
- **anchored**: the token is a bare hex or base62 string (a Datadog or Cohere key) and
  only the provider's name next to it says what it is. The rule gives the names
  (``keywords``) and the value's shape; the generic scanner finds ``name ... = value``
  and asks the anchored rules whether the value fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Validator = Callable[[str], bool]

# Provider families the bench reports recall for and calibration is fitted per.
FAMILIES = ("cloud", "source_hosting", "payments", "communication", "ai", "package_registry", "saas",
            "private_key", "token_format", "connection_string", "generic")

_NB = r"(?<![A-Za-z0-9_\-])"  # not preceded by a token character
_NA = r"(?![A-Za-z0-9_\-])"  # not followed by one


@dataclass(frozen=True, slots=True)
class Rule:
    type: str  # finding type, also the placeholder name: [GITHUB_TOKEN_1]
    label: str  # what a person reads: "GitHub personal access token"
    family: str
    regex: re.Pattern[str]
    hints: tuple[str, ...] = ()  # case-sensitive unless all lower-case (then matched on lowered text)
    group: int = 0  # capture group holding the secret itself
    validator: Validator | None = None
    # A failed validator drops the match when the format is strict (a checksum every real
    # token carries); otherwise the match is kept at lower confidence, marked unvalidated.
    strict: bool = False
    severity: str = "critical"
    live: bool = True  # False for test-mode keys (sk_test_): a leak, not an outage
    prefixes: tuple[str, ...] = ()  # literals the token starts with, for "malformed key of a known provider"
    report: bool = True  # False for documented public values (publishable keys): claimed, never reported
    # For blocks (PEM, PuTTY): the regex finds the header, ``extend(text, end, memo)`` the block's
    # end from one scan of the text for the closing marker (``memo`` is per call), which stays
    # linear where a lazy regex would rescan the text after every header.
    extend: Callable[[str, int, dict[str, list[int]]], int] | None = None
    # The documented format is exact (GitHub: 36 characters after ghp_): any other value with
    # this prefix is a near miss, never reported as a generic secret either.
    exact: bool = False
    # Whether a matched value is a documentation placeholder (default: checks.is_placeholder).
    placeholder: Validator | None = None
    # A check on the whole match (its context groups), e.g. "the .npmrc line names a registry".
    match_check: Callable[[re.Match[str]], bool] | None = None
    # Whether a match has this format's structure at all (a format with no literal prefix, such as
    # base64 of "<12 digits>:..."): a match without it is some other string and is left to the other
    # checks, neither reported nor claimed.
    applies: Validator | None = None


# Heads that are ordinary words: a value opening with "secret-" or "TEST-" names no issuer, so a
# value of another shape after one is not a "near miss" of the one provider whose documented
# format happens to start that way (Statsig ``secret-``, Appwrite ``standard_``, Mercado Pago
# ``TEST-``); it may be anybody's secret and is left to the generic checks.
_ORDINARY_HEADS = frozenset({
    "access", "admin", "api", "apikey", "app", "auth", "bearer", "client", "dev", "key", "live", "private",
    "prod", "public", "secret", "session", "standard", "test", "token", "user",
})


def _issuer_prefix(hint: str) -> bool:
    """Whether ``hint`` is a token head that names its issuer (``ghp_``, ``xoxb-``), not a bare word."""
    return len(hint) >= 3 and hint.endswith(("_", "-", ".")) and hint[:-1].lower() not in _ORDINARY_HEADS


def prefixed(type: str, label: str, family: str, pattern: str, *hints: str, group: int = 0,
             validator: Validator | None = None, strict: bool = False, severity: str = "critical",
             live: bool = True, bounded: bool = True, flags: int = 0, report: bool = True,
             exact: bool = False, prefixes: tuple[str, ...] = (), applies: Validator | None = None) -> Rule:
    """A rule for a self-identifying token; ``pattern`` is wrapped in token boundaries unless ``bounded=False``.

    ``prefixes`` names the token's head when no hint ends in a separator (``AIza``); by default
    the hints that do (``ghp_``, ``xoxb-``) are the prefixes, unless they are ordinary words."""
    regex = re.compile((_NB + pattern + _NA) if bounded else pattern, flags)
    prefixes = prefixes or tuple(h for h in hints if _issuer_prefix(h))
    return Rule(type, label, family, regex, tuple(hints), group, validator, strict, severity, live, prefixes, report,
                exact=exact, applies=applies)


@dataclass(frozen=True, slots=True)
class Anchored:
    """A bare-looking value that a provider's name nearby identifies (``datadog_api_key = <32 hex>``)."""

    type: str
    label: str
    family: str
    keywords: tuple[tuple[str, ...], ...]  # provider names (each one or more words) looked for before the value
    value: re.Pattern[str]  # full-match shape of the value
    severity: str = "high"
    words: tuple[str, ...] = field(default=())  # extra key words required (e.g. "secret" for a client secret)


def anchored(type: str, label: str, family: str, keywords: str, value: str, *, severity: str = "high",
             words: str = "") -> Anchored:
    """``keywords``: space-separated provider names; ``dd_api`` means the words "dd" and "api" both."""
    names = tuple(tuple(re.findall(r"[a-z0-9]+", k.lower())) for k in keywords.split())
    return Anchored(type, label, family, names, re.compile(value), severity, tuple(words.split()))
