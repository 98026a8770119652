import pytest

from guards.analyzers.securityguard.urls import detect_urls


@pytest.mark.parametrize(("text", "kind"), [
    ("click javascript:alert(document.cookie)", "script_url"),
    ("img data:text/html;base64,PHNjcmlwdD4=", "data_url"),
    ("see http://192.168.10.4/admin", "ip_literal_host"),
    ("see http://3232235777/admin", "ip_literal_host"),
    ("login at https://xn--pypal-4ve.com/", "punycode_lookalike"),
    ("login at https://p\u0430ypal.com/", "homoglyph_domain"),
    ("ftp://bob:hunter2@files.example.com/x", "credentials_in_url"),
    ("go to https://www.google.com@evil.example/", "userinfo_deception"),
])
def test_it_flags_risky_urls(text, kind):
    found = [f for f in detect_urls(text) if f.type == kind]
    assert len(found) == 1
    span = text[found[0].start:found[0].end]
    assert span and text.startswith(span, found[0].start) and " " not in span


def test_url_offsets_exclude_trailing_punctuation():
    text = "(see http://10.0.0.1/x)."
    (f,) = detect_urls(text)
    assert text[f.start:f.end] == "http://10.0.0.1/x"


def test_credentials_are_masked_in_the_evidence():
    (f,) = [f for f in detect_urls("https://bob:hunter2@example.com/") if f.type == "credentials_in_url"]
    assert "hunter2" not in f.evidence


def test_blocked_domains_cover_subdomains_only():
    text = "https://cdn.evil.example/a https://notevil.example/b"
    found = detect_urls(text, blocked_domains=["evil.example"])
    assert [text[f.start:f.end] for f in found] == ["https://cdn.evil.example/a"]


def test_ordinary_urls_pass():
    assert detect_urls("Docs at https://docs.python.org/3/library/re.html and www.example.com.") == []
