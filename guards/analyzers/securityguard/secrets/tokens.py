"""Random-looking tokens anywhere: typed by a provider named next to them (``anchored``), by a
secret-named key before them (``keyword``), or by their looks alone (``token``, the way keys
are pasted into chat). Hex digests and UUIDs count only with a key or alone on their line:
in running text and code they are commit ids, checksums and record ids. Values glued to
characters no credential alphabet uses (``abc?def``, ``x@host``, ``$2b$...``) are skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guards.analyzers.securityguard.secrets.checks import is_placeholder
from guards.analyzers.securityguard.secrets.context import (
    CONTEXT,
    MAX_TOKEN,
    AnchoredIndex,
    Candidate,
    anchored_candidate,
    decodes_to_text,
    identifier_words,
    key_strength,
    line_context,
    looks_like_identifier,
    mangled_token,
)
from guards.analyzers.securityguard.secrets.randomness import edited, randomness, shape, strip_affixes

_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9+/_\-.~%])[A-Za-z0-9+/_\-.~%]{12,}={0,3}")
_BREAK = frozenset(" \t\r\n\"'`,;=:(){}<>|&\\")
_RUN_BREAK = frozenset(" \t\r\n\"'`,;(){}<>|\\")
_JUNK = frozenset("?#$@!*^[]")
_PCT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def glued(text: str, start: int, end: int) -> bool:
    """Whether the value runs into characters no credential alphabet uses (``abc?def``, ``x@host``, ``$2b$``),
    or opens with an ``=`` that no key is assigned by (``=abc...``: padding where a value begins)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before in _JUNK or before == "%":
        return True
    if before == "=" and (start < 2 or text[start - 2] in " \t\r\n"):
        return True  # "=abc...": base64 padding cannot lead a value, and no key precedes this "="
    if after == "@" and before in ":/":
        return False  # user:token@host, //token@host
    if after in _JUNK or after == "%":
        # "... my key is abc123?" ends a sentence; "abc123?def" is one mangled string, and so is
        # "abc123!" closing a quoted literal (the mark is inside the value)
        nxt = text[end + 1] if end + 1 < len(text) else " "
        return after not in "?!" or nxt in "\"'`" or not (nxt.isspace() or nxt in _BREAK)
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


_URL_SECRET_WORDS = frozenset({"hook", "hooks", "webhook", "webhooks", "catch", "trigger", "triggers", "bot",
                               "token", "tokens", "key", "keys", "secret", "secrets", "auth", "signature"})
# .../commit/<sha>, .../blob/<sha>/file: the segment after these names a revision, not a credential
_URL_REF_WORDS = frozenset({"commit", "commits", "blob", "tree", "raw", "compare", "tag", "tags", "releases",
                            "revision", "rev", "changeset", "changesets", "sha", "archive", "blame", "src"})
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
    after_ref = False
    for part in value.split("/"):
        words = set(identifier_words(part))
        if len(part) >= 12 and not after_ref:
            out.append((pos, pos + len(part), strength))
        if words & _URL_SECRET_WORDS:
            strength = 1.0
        after_ref = part.lower() in _URL_REF_WORDS
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
        segments = _url_segments(text, start, end)
        if segments is None:
            if not is_placeholder(text[start:end]):  # <your-token>, x-ed out values
                yield from _judge(text, start, end, anchored, thorough, None)
        elif not is_placeholder(text[text.find("/", start, end):end]):
            # a documentation host (api.example.com) does not make the key in .../keys/<key> a
            # placeholder; a placeholder in the path (/services/TEXAMPLE/...) still makes the URL one
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
            yield anchored_candidate(rule, start, end, randomness(value))
        return
    if _PLAIN_RE.fullmatch(value) or is_placeholder(value) or looks_like_identifier(value) or edited(value):
        return
    if mangled_token(value_run(text, start, end).rstrip(".?!")):
        return
    raw = randomness(value)
    s = shape(value)
    labelled_uuid = not s.uuid and shape(strip_affixes(value)).uuid  # pat-na1-<uuid>, sdk-<uuid>
    if _DIGEST_RE.match(value):
        return  # sha384-..., sha256:...: a digest that says so
    ctx = line_context(text, start)
    strength = url_strength if url_strength is not None else key_strength(ctx)
    if strength < 0:
        return  # the key names a digest, an id, a name...
    if strength == 0 and _ASSIGNED_RE.search(ctx):
        strength = 0.5  # assigned to a key that names nothing in particular (cloudsmith: "...")
    if s.uuid or s.hex or labelled_uuid:
        # digests and record ids: a secret only when a key says so or it stands alone
        if strength == 0 and not (_alone_on_line(text, start, end) or thorough):
            return
        if s.uuid or labelled_uuid:
            raw = 0.5
    if strength > 0 and raw >= 0.3 and s.length >= 12:
        candidate = Candidate(start, end, "keyword", "GENERIC_SECRET", "Secret value", "generic", "high",
                              raw * (0.5 + strength / 2))
    elif raw >= (0.35 if thorough or _alone_on_line(text, start, end) else 0.5) and (
            len(value) >= 20 or (s.classes == 3 and len(value) >= 16)
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
