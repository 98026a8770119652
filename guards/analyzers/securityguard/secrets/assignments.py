"""``key = value`` assignments whose key names a secret (``password = "..."``, ``api_key: ...``,
``"..." == secret``): passwords need not look random, API keys and tokens must."""

from __future__ import annotations

import re
from collections.abc import Iterator

from guards.analyzers.securityguard.needles import ascii_case_safe
from guards.analyzers.securityguard.secrets.context import (
    AnchoredIndex,
    Candidate,
    anchored_candidate,
    secret_value_ok,
)
from guards.analyzers.securityguard.secrets.randomness import randomness

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
_CLASS_NAME_RE = re.compile(r"(?:[A-Z][a-z]+){2,}")  # CamelCase words, unquoted: a class or constant name
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _strip_closers(value: str) -> str:
    """An unquoted value without the punctuation of the code around it (``password}``, ``None):``);
    a closing bracket the value itself opened stays (``v{VERSION}``)."""
    v = value
    while v and (v[-1] in ",;:" or (v[-1] in _PAIRS and v.count(v[-1]) > v.count(_PAIRS[v[-1]]))):
        v = v[:-1]
    return v


def _keyword_value_ok(value: str, *, quoted: bool) -> bool:
    """A plausible literal secret, not a placeholder, variable, template or empty string."""
    v = _strip_closers(value.strip()) if not quoted else value.strip()
    if _WORDY_RE.match(v) and (not quoted or ("_" not in v and "-" not in v and len(v) < 12)):
        return False  # an identifier or a plain word (real_key, notapassword), not a secret
    if len(v) < 4 or (not v[0].isalnum() and v[0] not in "!#%&*+-/^~"):
        return False
    if _PLACEHOLDER_VALUE_RE.match(v) or _IDENTIFIER_RE.match(v):
        return False
    if not quoted and (_EXPRESSION_RE.match(v) or _CLASS_NAME_RE.fullmatch(v)):
        return False  # request.POST['password'], config.get(...), AdminPasswordChangeForm: code, not a literal
    return sum(c.isalnum() for c in v) >= 3 or len(v) >= 8


# Every match of _SECRET_KEY_RE starts with one of these, in some case.
_SECRET_KEY_HEADS = ("pass", "pw", "secret", "api", "auth", "access", "private", "client", "credential", "token")


def _secret_key_words(text: str) -> Iterator[re.Match[str]]:
    """``_SECRET_KEY_RE.finditer(text)``, tried only where one of its words starts.

    Every match starts where the lowered text holds one of _SECRET_KEY_HEADS, so trying the
    pattern at those places, in order and past the end of the last match, finds what the scan
    of every position did (lookbehinds see the whole text either way). Text holding a letter
    that case-insensitive matching takes for an ASCII one (the long s, the Kelvin sign) while
    lower-casing keeps it apart is scanned whole."""
    if not ascii_case_safe(text):
        yield from _SECRET_KEY_RE.finditer(text)
        return
    lower = text.lower()
    starts: set[int] = set()
    for head in _SECRET_KEY_HEADS:
        i = lower.find(head)
        while i >= 0:
            starts.add(i)
            i = lower.find(head, i + 1)
    end = 0
    for i in sorted(starts):
        if i < end:
            continue
        m = _SECRET_KEY_RE.match(text, i)
        if m is not None:
            end = m.end()
            yield m


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """Matches of the assignment shapes, tried only where a secret word occurs (not at every word)."""
    tried: set[int] = set()
    done = 0  # end of the last assignment: a secret word inside its value is not a new key
    for hit in _secret_key_words(text):
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
        if group == "uval" and "\n" in text[m.end("op") if m.groupdict().get("op") else m.end("key"):m.start(group)]:
            continue  # "if password:\n    try:": a block opens, nothing is assigned
        if op == "(" and value.count(" ") >= 2:
            continue  # getpass("Enter the password: "): a prompt, not a password
        start, end = m.start(group), m.end(group)
        if group == "uval":
            end -= len(value) - len(_strip_closers(value))
        value = text[start:end]
        raw = randomness(value)
        rule = anchored.match(text, start, value)
        if rule is not None:
            yield anchored_candidate(rule, start, end, raw, key)
        elif _PASSWORD_KEY_RE.search(key):
            # passwords are too few in the tuning data for a calibration of their own
            yield Candidate(start, end, "keyword", "PASSWORD", "Password", "generic", "high", raw, key)
        elif secret_value_ok(value, raw):
            yield Candidate(start, end, "keyword", "GENERIC_SECRET", "Secret value", "generic", "high", raw, key)
