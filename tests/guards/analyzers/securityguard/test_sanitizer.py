from guards.analyzers.securityguard.pii import detect_pii
from guards.analyzers.securityguard.sanitizer import sanitize
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
