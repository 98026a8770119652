"""Secrets: provider keys and tokens, private keys, passwords in assignments and URLs.

Compiled provider patterns with validators where the format allows one (GitHub's
CRC32 checksum, JWT structure, Luhn-free but shape-checked cloud keys), a keyword
assignment scanner for ``password = "..."`` in config and code, and, at the
comprehensive scan level, high-entropy strings with the usual noise (hashes of
words, UUIDs, paths, placeholders) filtered out. Formats follow the providers'
public documentation and the detect-secrets 1.5 plugin catalogue.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.common import CATEGORY_SECRET, finding, redact

Validator = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class Pattern:
    type: str
    regex: re.Pattern[str]
    severity: str = "high"
    confidence: float = 0.95
    group: int = 0  # capture group holding the secret itself
    validator: Validator | None = None
    # Literal fragments one of which every match contains (lower-case ones are matched
    # against the lower-cased text): a cheap ``in`` test skips the regex on most texts.
    hints: tuple[str, ...] = ()


_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def github_checksum_ok(token: str) -> bool:
    """GitHub's new-style tokens end in the base62 CRC32 of the 30 random characters."""
    body = token.split("_", 1)[1]
    payload, check = body[:30], body[30:]
    crc = zlib.crc32(payload.encode())
    out = ""
    while crc:
        crc, r = divmod(crc, 62)
        out = _B62[r] + out
    return out.rjust(6, "0") == check


def _b64url_json(part: str) -> dict | None:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        obj = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


def jwt_ok(token: str) -> bool:
    """Header and payload both decode to JSON objects; the header names an algorithm or type."""
    parts = token.split(".")
    if len(parts) < 2:
        return False
    header, payload = _b64url_json(parts[0]), _b64url_json(parts[1])
    return header is not None and payload is not None and bool({"alg", "typ"} & set(header))


def _aws_secret_ok(value: str) -> bool:
    return len(value) == 40 and any(c.isdigit() or c in "/+" for c in value) and any(c.isupper() for c in value)


_NB = r"(?<![A-Za-z0-9_\-])"  # not preceded by a token character
_NA = r"(?![A-Za-z0-9_\-])"  # not followed by one
_SEP = r"[\"']?\s*(?::=|=>|:|=)\s*[\"']?"
_IBM = r"(?:ibm(?:_|-|)cloud(?:_|-|)iam|cloud(?:_|-|)iam|ibm(?:_|-|)cloud|ibm(?:_|-|)iam|ibm|iam|cloud|)"

PATTERNS: tuple[Pattern, ...] = (
    Pattern("PRIVATE_KEY", re.compile(
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]{0,8000}?-----END (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----)?"),
        "critical", 1.0, hints=("PRIVATE KEY",)),
    Pattern("AWS_ACCESS_KEY", re.compile(r"(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ABIA|ACCA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
            "critical", hints=("A3T", "AKIA", "ABIA", "ACCA", "ASIA")),
    Pattern("AWS_SECRET_KEY", re.compile(
        r"(?i:aws[\w\-]{0,20}(?:secret|access)[\w\-]{0,20})" + _SEP + r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
        "critical", group=1, validator=_aws_secret_ok, hints=("aws",)),
    Pattern("GCP_API_KEY", re.compile(_NB + r"AIza[0-9A-Za-z_\-]{35}" + _NA), "high", hints=("AIza",)),
    Pattern("GCP_OAUTH_SECRET", re.compile(_NB + r"GOCSPX-[0-9A-Za-z_\-]{28}" + _NA), "high", hints=("GOCSPX-",)),
    Pattern("AZURE_STORAGE_KEY", re.compile(r"AccountKey=([A-Za-z0-9+/]{86}==)"), "critical", group=1, hints=("AccountKey=",)),
    Pattern("AZURE_SAS_TOKEN", re.compile(r"[?&]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})"), "high", 0.85, group=1, hints=("sig=",)),
    Pattern("GITHUB_TOKEN", re.compile(_NB + r"gh[pousr]_[A-Za-z0-9]{36}" + _NA), "critical",
            validator=github_checksum_ok, hints=("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    Pattern("GITHUB_TOKEN", re.compile(_NB + r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}" + _NA), "critical", hints=("github_pat_",)),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"(?:glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\-]{20,50}(?!\w)"), "high", hints=("glpat-", "gldt-", "glft-", "glsoat-", "glrt-")),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"GR1348941[A-Za-z0-9_\-]{20,50}(?!\w)"), "high", hints=("GR1348941",)),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"glcbt-(?:[0-9a-fA-F]{2}_)?[A-Za-z0-9_\-]{20,50}(?!\w)"), "high", hints=("glcbt-",)),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"glimt-[A-Za-z0-9_\-]{25}(?!\w)"), "high", hints=("glimt-",)),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"glptt-[A-Za-z0-9_\-]{40}(?!\w)"), "high", hints=("glptt-",)),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"glagent-[A-Za-z0-9_\-]{50,1024}(?!\w)"), "high",
            validator=lambda t: len(set(t[8:])) > 4, hints=("glagent-",)),
    Pattern("GITLAB_TOKEN", re.compile(_NB + r"gloas-[A-Za-z0-9_\-]{64}(?!\w)"), "high", hints=("gloas-",)),
    Pattern("SLACK_TOKEN", re.compile(_NB + r"xox[abposr]-[0-9A-Za-z\-]{10,}" + _NA), "high", hints=("xox",)),
    Pattern("SLACK_WEBHOOK", re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
            "high", hints=("hooks.slack.com",)),
    Pattern("STRIPE_KEY", re.compile(_NB + r"[rs]k_live_[0-9a-zA-Z]{24,99}" + _NA), "critical", hints=("k_live_",)),
    Pattern("STRIPE_TEST_KEY", re.compile(_NB + r"[rs]k_test_[0-9a-zA-Z]{24,99}" + _NA), "low", 0.9, hints=("k_test_",)),
    Pattern("OPENAI_API_KEY", re.compile(
        _NB + r"sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9_\-]{20,}" + _NA),
        "critical", hints=("T3BlbkFJ",)),
    Pattern("ANTHROPIC_API_KEY", re.compile(_NB + r"sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,120}" + _NA), "critical", hints=("sk-ant-",)),
    Pattern("TWILIO_KEY", re.compile(_NB + r"(?:AC|SK)[a-z0-9]{32}" + _NA), "high", 0.85, hints=("AC", "SK")),
    Pattern("SENDGRID_API_KEY", re.compile(_NB + r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + _NA), "high", hints=("SG.",)),
    Pattern("MAILCHIMP_API_KEY", re.compile(r"(?<![0-9a-z])[0-9a-f]{32}-us[0-9]{1,2}(?![\w])"), "high", hints=("-us",)),
    Pattern("NPM_TOKEN", re.compile(r"//[^\s/]+(?:/[^\s:]*)?/:_authToken=\s*((?:npm_[A-Za-z0-9]+)|(?:[A-Fa-f0-9\-]{36}))"),
            "high", group=1, hints=("_authToken=",)),
    Pattern("NPM_TOKEN", re.compile(_NB + r"npm_[A-Za-z0-9]{36}" + _NA), "high", hints=("npm_",)),
    Pattern("PYPI_TOKEN", re.compile(_NB + r"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{70,}"), "high", hints=("pypi-",)),
    Pattern("DISCORD_BOT_TOKEN", re.compile(
        r"(?<![A-Za-z\d_\-])[MNO][a-zA-Z\d_\-]{23,25}\.[a-zA-Z\d_\-]{6}\.[a-zA-Z\d_\-]{27}(?:[a-zA-Z\d_\-]{11})?(?![a-zA-Z\d_\-])"),
        "high"),
    Pattern("TELEGRAM_BOT_TOKEN", re.compile(r"(?<![\w:])\d{8,10}:AA[0-9A-Za-z_\-]{32,33}(?![\w\-])"), "high", hints=(":AA",)),
    Pattern("JWT", re.compile(_NB + r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]*)?" + _NA), "high", 0.9,
            validator=jwt_ok, hints=("eyJ",)),
    Pattern("ARTIFACTORY_TOKEN", re.compile(r"(?:(?<=[\s=:\"])|^)(AKC[a-zA-Z0-9]{10,}|AP[\dA-F][a-zA-Z0-9]{8,})(?=[\s\"]|$)",
                                            re.MULTILINE), "high", 0.9, group=1, hints=("AKC", "AP")),
    Pattern("IBM_CLOUD_IAM_KEY", re.compile(
        r"(?i:" + _IBM + r"(?:_|-|)(?:api|)(?:_|-|)(?:key|pwd|password|pass|token))" + _SEP
        + r"([a-zA-Z0-9_\-]{44})(?![a-zA-Z0-9_\-])"), "high", group=1, hints=("key", "pwd", "pass", "token")),
    Pattern("IBM_COS_HMAC_SECRET", re.compile(
        r"(?i:(?:(?:ibm)?[-_]?cos[-_]?(?:hmac)?|)[-_]?secret[-_]?(?:access)?[-_]?key)" + _SEP
        + r"([a-f0-9]{48})(?![a-f0-9])"), "high", group=1, hints=("secret",)),
    Pattern("SOFTLAYER_API_KEY", re.compile(
        r"(?i:(?:softlayer|sl)(?:_|-|)(?:api|)(?:_|-|)(?:key|pwd|password|pass|token))(?:[\"']?\s*(?::=|=>|:|=)\s*[\"']?|\"?\s+\"?)"
        r"([a-z0-9]{64})(?![a-z0-9])"), "high", group=1, hints=("softlayer", "sl")),
    Pattern("SOFTLAYER_API_KEY", re.compile(r"https?://api\.softlayer\.com/soap/v3(?:\.1)?/([a-z0-9]{64})"), "high", group=1, hints=("softlayer.com",)),
    Pattern("CLOUDANT_CREDENTIAL", re.compile(
        r"(?i:(?:cloudant|cl|clou)(?:_|-|)(?:api|)(?:key|pwd|pw|password|pass|token))" + _SEP
        + r"([0-9a-f]{64}|[a-z]{24})(?![0-9a-z])"), "high", group=1, hints=("cl",)),
    Pattern("CLOUDANT_CREDENTIAL", re.compile(
        r"https?://[\w\-]+:([0-9a-f]{64}|[a-z]{24})@[\w\-]+\.cloudant\.com"), "high", group=1, hints=("cloudant.com",)),
    Pattern("PASSWORD_IN_URL", re.compile(
        r"\b[a-z][a-z0-9+.\-]{1,15}://[^:/?#\[\]@!$&'()*+,;=\s\"<>]+:([^:/?#\[\]@!$&'()*+,;=\s\"<>]+)@[\w\-]"),
        "high", 0.9, group=1, hints=("://",)),
)

# --- keyword assignments: password = "...", "..." == secret, db_pass := ... --------------------
_SECRET_KEY_RE = re.compile(
    r"pass(?:word|wd|phrase)?|pwd|secret|api[_\-.]?key|apikey|auth[_\-.]?token|access[_\-.]?token|"
    r"private[_\-.]?key|client[_\-.]?secret|credential|token", re.IGNORECASE)
_KEY = r"(?<![\w\-.$])(?P<key>[A-Za-z_][\w\-.]{0,60})"
_QUOTED = r"@?(?P<q>[\"'`])(?P<qval>[^\"'`\n]{1,200}?)(?P=q)"
_UNQUOTED = r"(?P<uval>[^\s\"'`;]{1,200})"
_KEYWORD_RE = re.compile(
    _KEY + r"(?:\[\d*\])?[\"']?\s*(?P<op>:=|=>|===|!==|==|!=|=|:|\((?=[\"'])|\.assign\((?=[\"']))\s*(?:" + _QUOTED + "|" + _UNQUOTED + ")"
)
_KEYWORD_QUOTED_ONLY_RE = re.compile(_KEY + r"\s+(?P<q>[\"'])(?P<qval>[^\"'\n]{1,200}?)(?P=q)")
_REVERSED_RE = re.compile(r"(?P<q>[\"'])(?P<qval>[^\"'\n]{1,200}?)(?P=q)\s*(?:===|!==|==|!=)\s*" + _KEY)

_PLACEHOLDER_RE = re.compile(
    r"^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|%\(?\w*\)?s?|%s|\{\{.*\}\}|<[^>]*>|\*+|x+|\.+|-+|_+|#+|"
    r"null|none|nil|true|false|undefined|changeme|change_me|password|passwd|secret|token|"
    r"(?:insert|your|my|enter|put|add)[_\- ]?\w*(?:here)?|.*(?:_here|placeholder|fake|dummy|sample|example|redacted|xxxx).*|"
    r"real[_\-]?(?:key|secret|password)|test|testing|os\.environ.*|env\(.*\)|getenv.*|process\.env.*)$",
    re.IGNORECASE,
)
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$|^[A-Z][A-Z0-9_]+$|^[a-z_]+\(.*")
_NON_SECRET_KEY_RE = re.compile(r"(?:^|[_\-.])(?:length|len|size|count|min|max|type|field|policy|reset|hint|url|file|path|name|label|prompt)(?:$|[_\-.])", re.IGNORECASE)


_WORDY_RE = re.compile(r"^[a-z]+(?:[-_][a-z]+)*$")


def _keyword_value_ok(value: str, *, quoted: bool) -> bool:
    """A plausible literal secret, not a placeholder, variable, template or empty string."""
    v = value.strip().rstrip(",)") if not quoted else value.strip()
    if _WORDY_RE.match(v) and (not quoted or ("_" not in v and "-" not in v and len(v) < 12)):
        return False  # an identifier or a plain word (real_key, notapassword), not a secret
    if len(v) < 4 or (not v[0].isalnum() and v[0] not in "!#%&*+-/^~"):
        return False
    if _PLACEHOLDER_RE.match(v) or _IDENTIFIER_RE.match(v):
        return False
    return sum(c.isalnum() for c in v) >= 3 or len(v) >= 8


def shannon_entropy(s: str) -> float:
    if not s:
        return 0.0
    counts: dict[str, int] = {}
    for c in s:
        counts[c] = counts.get(c, 0) + 1
    n = len(s)
    return -sum(k / n * math.log2(k / n) for k in counts.values())


_ENTROPY_CANDIDATE_RE = re.compile(r"(?<![A-Za-z0-9+/=_\-])[A-Za-z0-9+/=_\-]{20,}(?![A-Za-z0-9+/=_\-])")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
B64_LIMIT = 4.5  # detect-secrets' default entropy limits; hits at or under them are noise
HEX_LIMIT = 3.0


def _entropy_hit(token: str) -> bool:
    if _UUID_RE.match(token) or token.isalpha() or token.isdigit() or "/" in token.strip("/")[:1]:
        return False
    if not (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)):
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", token):
        return len(token) >= 32 and shannon_entropy(token) > HEX_LIMIT
    classes = sum((any(c.islower() for c in token), any(c.isupper() for c in token), any(c.isdigit() for c in token)))
    return classes == 3 and shannon_entropy(token) > B64_LIMIT


def detect_secrets(text: str, *, entropy: bool = False) -> list[Finding]:
    """Secrets in ``text``; ``entropy`` adds generic high-entropy tokens (comprehensive scans)."""
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, severity: str, confidence: float, detail: dict) -> None:
        if end <= start or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        value = text[start:end]
        out.append(finding(
            type=kind, category=CATEGORY_SECRET, severity=severity, confidence=confidence, start=start, end=end,
            evidence=redact(value), message=f"{kind.replace('_', ' ').title()} found", detail=detail,
        ))

    lower = text.lower()
    for pat in PATTERNS:
        if pat.hints and not any(h in (lower if h.islower() else text) for h in pat.hints):
            continue
        for m in pat.regex.finditer(text):
            value = m.group(pat.group)
            if not value:
                continue
            detail: dict = {"detector": "pattern"}
            if pat.validator is not None:
                valid = pat.validator(value)
                if not valid and pat.type not in ("GITHUB_TOKEN",):
                    continue
                detail["validated"] = valid
            confidence = pat.confidence if detail.get("validated", True) else pat.confidence * 0.8
            add(pat.type, m.start(pat.group), m.end(pat.group), pat.severity, confidence, detail)

    keyword_regexes = (_KEYWORD_RE, _KEYWORD_QUOTED_ONLY_RE, _REVERSED_RE) if _SECRET_KEY_RE.search(text) else ()
    for regex in keyword_regexes:
        pos = 0
        while (m := regex.search(text, pos)) is not None:
            key = m.group("key")
            pos = m.end() if _SECRET_KEY_RE.search(key) else m.end("key")
            if not _SECRET_KEY_RE.search(key) or _NON_SECRET_KEY_RE.search(key):
                continue
            group = "qval" if m.group("qval") is not None else "uval"
            value = m.group(group)
            if value is None or not _keyword_value_ok(value, quoted=group == "qval"):
                continue
            op = m.groupdict().get("op") or ""
            if group == "uval" and op in ("==", "!=", "===", "!=="):
                continue  # comparing with a bare word compares variables, not a literal
            end = m.end(group)
            if group == "uval":
                end -= len(value) - len(value.rstrip(",)"))
            add("PASSWORD", m.start(group), end, "high", 0.85,
                {"detector": "keyword", "key": key[:40]})

    if entropy:
        for m in _ENTROPY_CANDIDATE_RE.finditer(text):
            token = m.group()
            if _entropy_hit(token):
                add("HIGH_ENTROPY_STRING", m.start(), m.end(), "medium", 0.7,
                    {"detector": "entropy", "entropy": round(shannon_entropy(token), 2)})
    return sorted(out, key=lambda f: (f.start or 0))
