"""Provider-agnostic secrets: values assigned to secret-named keys, and random tokens anywhere.

Three tiers, each calibrated on its own because their precision differs:

- ``anchored``: a value of a provider's documented shape next to that provider's name
  (``DATADOG_API_KEY=<32 hex>``), reported under the provider's type;
- ``keyword``: a value after a secret-named key (``password = "..."``, ``api_key: ...``,
  ``Authorization: Bearer ...``): passwords need not look random, other values must;
- ``token``: a string that looks machine-generated with no key in sight, the way keys
  are pasted into chat. Hex digests and UUIDs count only alone on their line, since in
  code they are usually commit ids, checksums and record ids.

Values glued to characters no credential alphabet uses (``abc?def``, ``x@host``,
``$2b$...``) are not single credentials and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from guards.analyzers.securityguard.secrets.checks import b64decode_loose, is_placeholder
from guards.analyzers.securityguard.secrets.randomness import edited, randomness, shape
from guards.analyzers.securityguard.secrets.rules import Anchored

MAX_TOKEN = 1024  # longer runs are data blobs (images, archives), not credentials
CONTEXT = 100  # characters of the line before a value searched for its key
PROVIDER_CONTEXT = 160  # characters before a value searched for a provider's name

# --- keyword assignments: password = "...", "..." == secret, db_pass := ... ------------------
# "pass" alone only as its own word part (db_pass, dbPass, PASS), never inside Passage or bypass
_PASS = r"(?i:pass(?:word|wd|phrase)|pwd|(?<![a-z])pw(?![a-z]))|(?<![A-Za-z])(?:pass|Pass|PASS)(?![a-z])|(?<=[a-z0-9])(?:Pass|PASS)(?![a-z])"
_SECRET_KEY_RE = re.compile(
    _PASS + r"|(?i:secret|api[_\-.]?key|apikey|auth[_\-.]?token|access[_\-.]?token|private[_\-.]?key|"
    r"client[_\-.]?secret|credential|token)")
_PASSWORD_KEY_RE = re.compile(_PASS)
_KEY = r"(?<![\w\-.$])(?P<key>[A-Za-z_][\w\-.]{0,60})"
_QUOTED = r"@?(?P<q>[\"'`])(?P<qval>[^\"'`\n]{1,200}?)(?P=q)"
_UNQUOTED = r"(?P<uval>[^\s\"'`;]{1,200})"
_KEYWORD_RE = re.compile(
    _KEY + r"(?:\[\d*\])?[\"']?\s*(?P<op>:=|=>|===|!==|==|!=|=|:|\((?=[\"'])|\.assign\((?=[\"']))\s*(?:"
    + _QUOTED + "|" + _UNQUOTED + ")")
_KEYWORD_QUOTED_ONLY_RE = re.compile(_KEY + r"\s+(?P<q>[\"'])(?P<qval>[^\"'\n]{1,200}?)(?P=q)")
_REVERSED_RE = re.compile(r"(?P<q>[\"'])(?P<qval>[^\"'\n]{1,200}?)(?P=q)\s*(?:===|!==|==|!=)\s*" + _KEY)

_PLACEHOLDER_VALUE_RE = re.compile(
    r"^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|%\(?\w*\)?s?|%s|\{\{.*\}\}|<[^>]*>|\*+|x+|\.+|-+|_+|#+|"
    r"null|none|nil|true|false|undefined|changeme|change_me|password|passwd|secret|token|"
    r"(?:insert|your|my|enter|put|add)[_\- ]?\w*(?:here)?|.*(?:_here|placeholder|fake|dummy|sample|example|redacted|xxxx).*|"
    r"real[_\-]?(?:key|secret|password)|test|testing|os\.environ.*|env\(.*\)|getenv.*|process\.env.*)$",
    re.IGNORECASE,
)
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$|^[A-Z][A-Z0-9_]+$|^[a-z_]+\(.*")
_NON_SECRET_KEY_RE = re.compile(
    r"(?:^|[_\-.])(?:length|len|size|count|min|max|type|field|policy|reset|hint|url|file|path|name|label|prompt)"
    r"(?:$|[_\-.])", re.IGNORECASE)
_WORDY_RE = re.compile(r"^[a-z]+(?:[-_][a-z]+)*$")
_EXPRESSION_RE = re.compile(r"[A-Za-z_][\w.]*[\[(]")

# --- tokens -------------------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9+/_\-.~%])[A-Za-z0-9+/_\-.~%]{12,}={0,3}")
_BREAK = frozenset(" \t\r\n\"'`,;=:(){}<>|&\\")
_RUN_BREAK = frozenset(" \t\r\n\"'`,;(){}<>|\\")
_JUNK = frozenset("?#$@!*^[]")
_PCT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
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


def _line_context(text: str, start: int) -> str:
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
    for w in reversed(words[-6:]):
        if _is_secret_word(w):
            return 1.0
        if w in _NOT_SECRET_WORDS:
            return -1.0
    return default


def glued(text: str, start: int, end: int) -> bool:
    """Whether the value runs into characters no credential alphabet uses (``abc?def``, ``x@host``, ``$2b$``)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before in _JUNK or before == "%":
        return True
    if after == "@" and before in ":/":
        return False  # user:token@host, //token@host
    if after in _JUNK or after == "%":
        # "... my key is abc123?" ends a sentence; "abc123?def" is one mangled string
        nxt = text[end + 1] if end + 1 < len(text) else " "
        return after not in "?!" or not (nxt.isspace() or nxt in _BREAK)
    return _PCT_RE.search(text, start, end) is not None


def value_run(text: str, start: int, end: int) -> str:
    """The value a token belongs to: the run of non-space, unquoted characters around it, after the
    key it is assigned to (``KEY=abc?def`` -> ``abc?def``). URLs are left alone (they carry ``?&=``)."""
    lo, hi = start, end
    while lo > 0 and text[lo - 1] not in _RUN_BREAK and start - lo < 120:
        lo -= 1
    while hi < len(text) and text[hi] not in _RUN_BREAK and hi - end < 120:
        hi += 1
    run = text[lo:hi]
    if "://" in run:
        return text[start:end]
    cut = max(run.rfind("=", 0, start - lo), run.rfind(":", 0, start - lo))
    return run[cut + 1:] if cut >= 0 else run


def _alone_on_line(text: str, start: int, end: int) -> bool:
    lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    nl = text.rfind("\n", lo, start)
    if nl < 0 and lo > 0:
        return False
    line_end = text.find("\n", end, hi)
    if line_end < 0:
        if hi < len(text):
            return False
        line_end = hi
    return not text[nl + 1:start].strip(" \t\"'`") and not text[end:line_end].strip(" \t\"'`,;.")


class AnchoredIndex:
    """The anchored rules whose provider names occur in this text, looked up per value."""

    def __init__(self, rules: tuple[Anchored, ...], lowered: str) -> None:
        by_word = _anchor_words(rules)
        present = {w for w in by_word if w in lowered}
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


@lru_cache(maxsize=8)
def _anchor_words(rules: tuple[Anchored, ...]) -> dict[str, tuple[int, ...]]:
    """Each provider-name word -> the rules that name it."""
    out: dict[str, tuple[int, ...]] = {}
    for i, rule in enumerate(rules):
        for word in {w for name in rule.keywords for w in name}:
            out[word] = (*out.get(word, ()), i)
    return out


def _named(name: str, words: list[str], lowered: str) -> bool:
    """``name`` is one of ``words``, inside one run together (SOFTLAYERAPIKEY, slapi_key) or, when
    long enough to be unambiguous, anywhere in the window (HubSpotAPI)."""
    if len(name) < 3:
        return name in words
    return any(name in w for w in words) or (len(name) >= 5 and name in lowered)


def _keyword_value_ok(value: str, *, quoted: bool) -> bool:
    """A plausible literal secret, not a placeholder, variable, template or empty string."""
    v = value.strip().rstrip(",)") if not quoted else value.strip()
    if _WORDY_RE.match(v) and (not quoted or ("_" not in v and "-" not in v and len(v) < 12)):
        return False  # an identifier or a plain word (real_key, notapassword), not a secret
    if len(v) < 4 or (not v[0].isalnum() and v[0] not in "!#%&*+-/^~"):
        return False
    if _PLACEHOLDER_VALUE_RE.match(v) or _IDENTIFIER_RE.match(v):
        return False
    if not quoted and _EXPRESSION_RE.match(v):
        return False  # request.POST['password'], config.get(...): code, not a literal
    return sum(c.isalnum() for c in v) >= 3 or len(v) >= 8


_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_-.~")


def mangled_token(value: str) -> bool:
    """A key-alphabet string with a few stray symbols inside (``Ab3x$Yz9...%c^``): a corrupted or
    truncated token, not a usable one. Passwords are exempt (their keys are handled apart)."""
    stray = sum(c not in _TOKEN_CHARS and c != ":" for c in value)
    return 0 < stray <= 3 and len(value) >= 16 and stray <= 0.1 * len(value)


def secret_value_ok(value: str, raw: float) -> bool:
    """A value under an API-key / token / secret key: a random-looking token, or a password-like
    string rich in symbols; not an identifier, a word, a mangled token or a placeholder."""
    if len(value) < 10 or is_placeholder(value) or mangled_token(value) or edited(value):
        return False
    if all(c in _TOKEN_CHARS for c in value):
        return raw >= 0.3 and not looks_like_identifier(value)
    return sum(not c.isalnum() for c in value) >= 4


def looks_like_identifier(value: str) -> bool:
    """``appSecretKey``, ``get_token_value``: letters forming words, no digits."""
    s = shape(value)
    return not s.digits and (s.wordlike >= 0.5 or s.vowel_ratio >= 0.3)


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


def _anchored_candidate(rule: Anchored, start: int, end: int, raw: float, key: str = "") -> Candidate:
    return Candidate(start, end, "anchored", rule.type, rule.label, rule.family, rule.severity, raw, key)


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """Matches of the assignment shapes, tried only where a secret word occurs (not at every word)."""
    tried: set[int] = set()
    done = 0  # end of the last assignment: a secret word inside its value is not a new key
    for hit in _SECRET_KEY_RE.finditer(text):
        if hit.start() < done:
            continue
        start = hit.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-.") and hit.start() - start < 60:
            start -= 1
        if start in tried:
            continue
        tried.add(start)
        m = _KEYWORD_RE.match(text, start) or _KEYWORD_QUOTED_ONLY_RE.match(text, start)
        if m is not None:
            done = m.end()
            yield m
    if "==" in text or "!=" in text:
        pos = 0
        while (m := _REVERSED_RE.search(text, pos)) is not None:
            pos = m.end()
            yield m


def keyword_assignments(text: str, anchored: AnchoredIndex) -> Iterator[Candidate]:
    """``key = value`` pairs whose key names a secret: passwords, API keys, tokens, client secrets."""
    for m in _assignments(text):
        key = m.group("key")
        if _SECRET_KEY_RE.search(key) is None or _NON_SECRET_KEY_RE.search(key):
            continue
        group = "qval" if m.group("qval") is not None else "uval"
        value = m.group(group)
        if value is None or not _keyword_value_ok(value, quoted=group == "qval"):
            continue
        op = m.groupdict().get("op") or ""
        if group == "uval" and op in ("==", "!=", "===", "!=="):
            continue  # comparing with a bare word compares variables, not a literal
        start, end = m.start(group), m.end(group)
        if group == "uval":
            end -= len(value) - len(value.rstrip(",)"))
        value = text[start:end]
        raw = randomness(value)
        rule = anchored.match(text, start, value)
        if rule is not None:
            yield _anchored_candidate(rule, start, end, raw, key)
        elif _PASSWORD_KEY_RE.search(key):
            # passwords are too few in the tuning data for a calibration of their own
            yield Candidate(start, end, "keyword", "PASSWORD", "Password", "generic", "high", raw, key)
        elif secret_value_ok(value, raw):
            yield Candidate(start, end, "keyword", "GENERIC_SECRET", "Secret value", "generic", "high", raw, key)


_URL_SECRET_WORDS = frozenset({"hook", "hooks", "webhook", "webhooks", "catch", "trigger", "triggers", "bot",
                               "token", "tokens", "key", "keys", "secret", "secrets", "auth", "signature"})
_ASSIGNED_RE = re.compile(r"[\w\-.\]\[\"']\s*(?::=|=>|=|:)\s*[\"'`]?\s*$")


def _url_segments(text: str, start: int, end: int) -> list[tuple[int, int, float]] | None:
    """A URL's path segments with the strength their path gives them; ``None`` when the run is not a URL."""
    value = text[start:end]
    slash = value.find("/")
    if slash < 0 or not (text[max(0, start - 3):start].endswith("//") or "." in value[:slash]):
        return None
    out: list[tuple[int, int, float]] = []
    strength = 0.0
    pos = start
    for part in value.split("/"):
        words = set(identifier_words(part))
        if len(part) >= 12:
            out.append((pos, pos + len(part), strength))
        if words & _URL_SECRET_WORDS:
            strength = 1.0
        pos += len(part) + 1
    return out


def random_tokens(text: str, anchored: AnchoredIndex, *, thorough: bool = False) -> Iterator[Candidate]:
    """Machine-generated-looking tokens: typed by an anchored rule, a secret-named key, or their looks alone."""
    for m in _TOKEN_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in "/.+~-_":
            start += 1
        while end > start and text[end - 1] in "./":
            end -= 1
        if not 12 <= end - start <= MAX_TOKEN or glued(text, start, end):
            continue
        if is_placeholder(text[start:end]):
            continue  # api.example.com/..., <your-token>, x-ed out values
        segments = _url_segments(text, start, end)
        if segments is None:
            yield from _judge(text, start, end, anchored, thorough, None)
        else:
            for seg_start, seg_end, strength in segments:
                yield from _judge(text, seg_start, seg_end, anchored, thorough, strength or None)


_DIGEST_RE = re.compile(r"(?:sha(?:1|224|256|384|512)|md5|blake2[bs]?)[-:=]", re.IGNORECASE)
_PLAIN_RE = re.compile(r"[a-z_.\-/]+|[A-Z_.\-/]+")  # one case, no digit: names, paths, CONSTANTS


def _judge(text: str, start: int, end: int, anchored: AnchoredIndex, thorough: bool,
           url_strength: float | None) -> Iterator[Candidate]:
    value = text[start:end]
    rule = anchored.match(text, start, value)
    if rule is not None:
        if not is_placeholder(value):
            yield _anchored_candidate(rule, start, end, randomness(value))
        return
    if _PLAIN_RE.fullmatch(value) or is_placeholder(value) or looks_like_identifier(value) or edited(value):
        return
    if mangled_token(value_run(text, start, end).rstrip(".?!")):
        return
    raw = randomness(value)
    s = shape(value)
    if _DIGEST_RE.match(value):
        return  # sha384-..., sha256:...: a digest that says so
    ctx = _line_context(text, start)
    strength = url_strength if url_strength is not None else key_strength(ctx)
    if strength < 0:
        return  # the key names a digest, an id, a name...
    if strength == 0 and _ASSIGNED_RE.search(ctx):
        strength = 0.5  # assigned to a key that names nothing in particular (cloudsmith: "...")
    if s.uuid or s.hex:
        # digests and record ids: a secret only when a key says so or it stands alone
        if strength == 0 and not (_alone_on_line(text, start, end) or thorough):
            return
        if s.uuid:
            raw = 0.5
    if strength > 0 and raw >= 0.3 and s.length >= 12:
        candidate = Candidate(start, end, "keyword", "GENERIC_SECRET", "Secret value", "generic", "high",
                              raw * (0.5 + strength / 2))
    elif raw >= (0.35 if thorough else 0.5) and (len(value) >= 20 or (s.classes == 3 and len(value) >= 16)
                                                   or (s.classes >= 2 and _alone_on_line(text, start, end))):
        candidate = Candidate(start, end, "token", "HIGH_ENTROPY_STRING", "High-entropy string (possible credential)",
                              "generic", "medium", raw)
    else:
        return
    decoded = decodes_to_text(value)
    if decoded is not None and (is_placeholder(decoded) or decoded.lstrip().startswith(("{", "["))
                                or (":" not in decoded and randomness(decoded) < 0.5)):
        return  # base64 of a document ({"alg": ...}), of words or of a placeholder, not of key material
    yield candidate
