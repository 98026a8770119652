import random
import re

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.common import CATEGORY_INVISIBLE
from guards.analyzers.securityguard.obfuscation import _LEET_TOKEN_RE
from guards.analyzers.securityguard.pii import detect_pii
from guards.analyzers.securityguard.sanitizer import _PRIORITY, _first_disjoint, sanitize
from guards.analyzers.securityguard.secrets import detect_secrets
from guards.analyzers.securityguard.unicode_text import detect_invisible


def _all(text):
    return detect_secrets(text) + detect_pii(text) + detect_invisible(text)


def test_same_value_gets_the_same_placeholder_and_types_are_numbered_separately():
    text = "a@x.example, b@y.example, a@x.example and AKIAZ3X7Q2M4N5P6R7S8"
    out, placeholders = sanitize(text, _all(text))
    assert out == "[EMAIL_1], [EMAIL_2], [EMAIL_1] and [AWS_ACCESS_KEY_1]"
    for p in placeholders:
        assert out[p.sanitized_start:p.sanitized_end] == p.placeholder
        assert text[p.start:p.end] not in out


def test_hidden_characters_are_stripped_and_homoglyphs_read_as_latin():
    text = "visit p\u0430ypal\u200b now"
    out, placeholders = sanitize(text, _all(text))
    assert out == "visit paypal now" and placeholders == []


def test_redaction_can_be_turned_off_but_hidden_characters_still_go():
    text = "mail a@x.example\u200b"
    out, _ = sanitize(text, _all(text), redact=False)
    assert out == "mail a@x.example"


def test_overlapping_findings_keep_the_secret():
    text = "postgres://admin:S3cr3tPw@10.1.2.3/db"
    out, placeholders = sanitize(text, _all(text))
    assert "S3cr3tPw" not in out
    assert [p.type for p in placeholders] == ["PASSWORD_IN_URL", "IP_ADDRESS"]


def test_overlap_resolution_is_the_same_as_checking_every_span_taken():
    # The sanitizer picks spans by bisection now; it must choose what the plain
    # "overlaps nothing taken before it, in priority order" rule chose.
    def reference(candidates):
        chosen = []
        for f in candidates:
            if not any(c.start < f.end and f.start < c.end for c in chosen):
                chosen.append(f)
        return sorted(chosen, key=lambda f: f.start)

    rng = random.Random(3)
    for _ in range(5_000):
        findings = []
        for _ in range(rng.randrange(12)):
            start = rng.randrange(30)
            findings.append(Finding(type="t", category=rng.choice(["secret", "pii", CATEGORY_INVISIBLE]),
                                    severity="low", score=0.5, start=start, end=start + 1 + rng.randrange(6)))
        findings.sort(key=lambda f: (_PRIORITY.get(f.category, 9), f.start, -f.end))
        assert [id(f) for f in _first_disjoint(findings)] == [id(f) for f in reference(findings)]


def test_the_leet_token_pattern_finds_what_the_unanchored_one_did():
    unanchored = re.compile(r"[a-z0-9@$!|+]*[a-z][a-z0-9@$!|+]*")
    rng = random.Random(4)
    pieces = [*"ab0!@$|+ -.\n", "é"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(20)))
        assert [m.span() for m in _LEET_TOKEN_RE.finditer(text)] == [m.span() for m in unanchored.finditer(text)]
