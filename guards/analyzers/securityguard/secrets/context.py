"""What surrounds a value: the key it is assigned to, the provider named near it, and the
shape checks every generic tier shares (mangled, identifier-like, base64 of a document)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from guards.analyzers.securityguard.needles import Needles
from guards.analyzers.securityguard.secrets.checks import b64decode_loose, is_placeholder
from guards.analyzers.securityguard.secrets.randomness import edited, shape
from guards.analyzers.securityguard.secrets.rules import Anchored

MAX_TOKEN = 1024  # longer runs are data blobs (images, archives), not credentials
CONTEXT = 100  # characters of the line before a value searched for its key
PROVIDER_CONTEXT = 160  # characters before a value searched for a provider's name

_WORD_SPLIT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_SECRET_WORDS = frozenset({
    "secret", "secrets", "token", "tokens", "password", "passwd", "pass", "pwd", "passphrase", "apikey", "key", "keys",
    "auth", "authorization", "credential", "credentials", "bearer", "signature", "sig", "sid", "private", "access",
    "accesskey", "secretkey", "apitoken", "authtoken", "pat", "session", "cookie", "login", "jwt", "sas",
})
_SECRET_SUFFIXES = ("key", "token", "secret", "pass", "pwd", "password")
_NOT_SECRET_WORDS = frozenset({
    "hash", "sha", "sha1", "sha256", "sha512", "md5", "checksum", "digest", "commit", "etag", "integrity",
    "fingerprint", "nonce", "uuid", "guid", "trace", "span", "request", "revision", "rev", "version", "image",
    "object", "file", "path", "url", "name", "username", "user", "email", "id", "ids", "public", "pk", "uid",
    "color", "colour", "build", "tag", "branch", "ref", "host", "hostname", "domain", "region", "zone", "type",
    "kind", "title", "description", "date", "time", "timestamp", "model", "sku", "isbn", "doi",
})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value the generic scanners propose; the package decides its finding type and score."""

    start: int
    end: int
    tier: str  # anchored | keyword | token
    type: str
    label: str
    family: str
    severity: str
    raw: float  # the tier's raw score (randomness, adjusted by the key's strength)
    key: str = ""


def identifier_words(text: str) -> list[str]:
    """``DD_API_KEY`` -> [dd, api, key]; ``apiKey`` -> [api, key]."""
    return [w.lower() for w in _WORD_SPLIT_RE.findall(text)]


def _is_secret_word(word: str) -> bool:
    return word in _SECRET_WORDS or (len(word) > 3 and word.endswith(_SECRET_SUFFIXES))


def line_context(text: str, start: int) -> str:
    """The line before ``start`` (or, when a value opens its line, the end of the previous line)."""
    lo = max(0, start - CONTEXT)
    line_start = text.rfind("\n", lo, start) + 1 or lo
    ctx = text[line_start:start]
    if not any(c.isalnum() for c in ctx) and line_start > lo:
        # a value on its own line belongs to a key that ends the line before ("api_key:\n  abc...")
        prev_lo = max(0, line_start - 1 - CONTEXT)
        prev = text[(text.rfind("\n", prev_lo, line_start - 1) + 1 or prev_lo):line_start - 1].rstrip()
        ctx = prev if prev.endswith((":", "=", "=>", ":=")) else ctx
    return ctx


def key_strength(ctx: str, *, default: float = 0.0) -> float:
    """1.0 when the nearest key names a secret (``api_key=``), -1 when it names something that is
    not one (``sha256=``, ``client_id:``), ``default`` when it names neither."""
    words = identifier_words(ctx[-60:])
    if words and words[-1] == "api":
        # a value handed straight to an API client (new HubSpotAPI("<uuid>"), api: <token>); "api" further
        # back names what follows it (ApiAssociation, api_url, api_version) and is no evidence
        return 1.0
    for w in reversed(words[-6:]):
        if _is_secret_word(w):
            return 1.0
        if w in _NOT_SECRET_WORDS:
            return -1.0
    return default


class AnchoredIndex:
    """The anchored rules whose provider names occur in this text, looked up per value."""

    def __init__(self, rules: tuple[Anchored, ...], lowered: str, lowered_pairs: set[str] | None = None) -> None:
        by_word, needles = _anchor_words_of(rules)
        present = needles.present(lowered, lowered_pairs)  # == {w for w in by_word if w in lowered}
        candidates = sorted({i for w in present for i in by_word[w]})
        self.rules = [rules[i] for i in candidates
                      if any(all(w in present for w in name) for name in rules[i].keywords)]

    def match(self, text: str, start: int, value: str) -> Anchored | None:
        if not self.rules:
            return None
        window = text[max(0, start - PROVIDER_CONTEXT):start]
        words = identifier_words(window)
        lowered = window.lower()
        for rule in self.rules:
            if rule.value.fullmatch(value) and any(all(_named(w, words, lowered) for w in name)
                                                   for name in rule.keywords) \
                    and all(_named(w, words, lowered) for w in rule.words):
                return rule
        return None


_LAST_RULES: list[tuple[tuple[Anchored, ...], tuple[dict[str, tuple[int, ...]], Needles]]] = []


def _anchor_words_of(rules: tuple[Anchored, ...]) -> tuple[dict[str, tuple[int, ...]], Needles]:
    """:func:`_anchor_words`, looked up by identity first: hashing the rule table for the cache
    hashed every rule in it, on every call."""
    last = _LAST_RULES[-1] if _LAST_RULES else None
    if last is not None and last[0] is rules:
        return last[1]
    index = _anchor_words(rules)
    _LAST_RULES[:] = [(rules, index)]
    return index


@lru_cache(maxsize=8)
def _anchor_words(rules: tuple[Anchored, ...]) -> tuple[dict[str, tuple[int, ...]], Needles]:
    """Each provider-name word -> the rules that name it; and the words, for finding those in a text."""
    out: dict[str, tuple[int, ...]] = {}
    for i, rule in enumerate(rules):
        for word in {w for name in rule.keywords for w in name}:
            out[word] = (*out.get(word, ()), i)
    return out, Needles(out)


def _named(name: str, words: list[str], lowered: str) -> bool:
    """``name`` is one of ``words``, inside one run together (SOFTLAYERAPIKEY, slapi_key) or, when
    long enough to be unambiguous, anywhere in the window (HubSpotAPI)."""
    if len(name) < 3:
        return name in words
    return any(name in w for w in words) or (len(name) >= 5 and name in lowered)


_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_-.~")


def mangled_token(value: str) -> bool:
    """A key-alphabet string with a few stray symbols inside (``Ab3x$Yz9...%c^``): a corrupted or
    truncated token, not a usable one. Passwords are exempt (their keys are handled apart)."""
    stray = sum(c not in _TOKEN_CHARS and c != ":" for c in value)
    return 0 < stray <= 3 and len(value) >= 16 and stray <= 0.1 * len(value)


_TEMPLATE_FIELD_RE = re.compile(r"\{[A-Za-z_][\w.]*\}")


def _format_string(value: str) -> bool:
    """``v{VERSION}:{prefix}``: every brace belongs to a named field (a password may hold braces too)."""
    fields = len(_TEMPLATE_FIELD_RE.findall(value))
    return fields > 0 and value.count("{") == value.count("}") == fields


def secret_value_ok(value: str, raw: float) -> bool:
    """A value under an API-key / token / secret key: a random-looking token, or a password-like
    string rich in symbols; not an identifier, a word, a mangled token or a placeholder, nor a
    message (words with spaces) or a format string (``v{VERSION}:{prefix}``)."""
    if len(value) < 10 or is_placeholder(value) or mangled_token(value) or edited(value):
        return False
    if value.count(" ") >= 2 or _format_string(value):
        return False
    if all(c in _TOKEN_CHARS for c in value):
        return raw >= 0.3 and not looks_like_identifier(value)
    return sum(not c.isalnum() for c in value) >= 4


# code, not data: attribute paths (status.HTTP_400_BAD_REQUEST, settings.Config), names of
# short parts joined by "_" each in one consistent case (p50_cpu_ms_per_kb, HTTP_502_BAD_GATEWAY,
# 0003_tokenproxy, OGR_G_WkbSizeEx: random tokens that hold "_" have longer or mixed-case parts),
# and ids of a word and numbers (CVE-2019-14235, JIRA-1234)
_ATTRIBUTE_PATH_RE = re.compile(r"[a-z_]+(?:\.(?:[a-z_][a-z0-9_]*|[A-Z][A-Z0-9_]*|(?:[A-Z][a-z]+)+))+")
_NAME_PART_RE = re.compile(r"[a-z][a-z0-9]*|[A-Z][A-Z0-9]*|[0-9]+|(?:[A-Z][a-z0-9]+)+[A-Z]?")
_TICKET_ID_RE = re.compile(r"[A-Z][A-Z0-9]{1,9}(?:-\d+)+")


def _joined_name(value: str) -> bool:
    parts = value.split("_")
    return (len(parts) >= 2 and all(1 <= len(p) <= 10 and _NAME_PART_RE.fullmatch(p) for p in parts)
            and any(len(p) >= 3 and p.isalpha() for p in parts))


def looks_like_identifier(value: str) -> bool:
    """``appSecretKey``, ``get_token_value``: letters forming words, no digits (or one short run:
    ``MultiPolygon25D``); or a name in code (``status.HTTP_400_BAD_REQUEST``, ``p50_cpu_ms_per_kb``)
    or a ticket id (``CVE-2019-14235``)."""
    if _ATTRIBUTE_PATH_RE.fullmatch(value) or _TICKET_ID_RE.fullmatch(value) or _joined_name(value):
        return True
    s = shape(value)
    few_digits = len(re.findall(r"\d+", value)) <= 1 and sum(c.isdigit() for c in value) <= 3
    return (not s.digits or few_digits) and (s.wordlike >= 0.5 or s.vowel_ratio >= 0.3)


def decodes_to_text(value: str) -> str | None:
    """The text a base64 token encodes, when it encodes printable text (a JSON header, ``user:pass``)."""
    if len(value) < 16 or not all(c in _TOKEN_CHARS for c in value):
        return None
    raw = b64decode_loose(value, urlsafe="-" in value or "_" in value)
    if not raw:
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if sum(c.isprintable() for c in decoded) >= 0.95 * len(decoded) else None


def anchored_candidate(rule: Anchored, start: int, end: int, raw: float, key: str = "") -> Candidate:
    return Candidate(start, end, "anchored", rule.type, rule.label, rule.family, rule.severity, raw, key)
