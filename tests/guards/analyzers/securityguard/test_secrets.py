import pytest

from guards.analyzers.securityguard.secrets import detect_secrets, github_checksum_ok, jwt_ok

# Test values are generated for this suite (random or signed with a throwaway key), never real.
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZW5hbnQtNDIiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3NjM3Njk2MDB9"
       ".8Q0qPi4dhsTGYjKwV0nm3tM2CiQSp1C23DrDu6rhFPw")
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1c0ff33\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize(("text", "value", "kind"), [
    ("key = AKIAZ3X7Q2M4N5P6R7S8 in prod", "AKIAZ3X7Q2M4N5P6R7S8", "AWS_ACCESS_KEY"),
    ("aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE12'", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE12",
     "AWS_SECRET_KEY"),
    ("token: glpat-C3J27XDCG2LmlZGEONYl", "glpat-C3J27XDCG2LmlZGEONYl", "GITLAB_TOKEN"),
    ("Authorization: Bearer " + JWT, JWT, "JWT"),
    ("stripe sk_live_gCtjfIZ4SOcMz9CPVNPkNa1H ok", "sk_live_gCtjfIZ4SOcMz9CPVNPkNa1H", "STRIPE_KEY"),
    ("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", None, "SENDGRID_API_KEY"),
    ("xoxb-123456789012-abcdefghijkl", "xoxb-123456789012-abcdefghijkl", "SLACK_TOKEN"),
    ("my key\n" + PEM, PEM, "PRIVATE_KEY"),
    ('password = "c0rrect-h0rse-battery"', "c0rrect-h0rse-battery", "PASSWORD"),
    ("postgres://admin:S3cr3tPw@db.internal:5432/app", "S3cr3tPw", "PASSWORD_IN_URL"),
    ("sk-proj-Xi8tcNiHV9awbCcvilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o", None, "OPENAI_API_KEY"),
])
def test_it_finds_provider_secrets_with_exact_offsets(text, value, kind):
    found = [f for f in detect_secrets(text) if f.type == kind]
    assert len(found) == 1
    f = found[0]
    assert text[f.start:f.end] == (value or text)
    assert f.evidence != text[f.start:f.end] and "*" in f.evidence  # evidence is redacted


@pytest.mark.parametrize("text", [
    "akiaqwertyuiopasdfgh is lower case",
    "pk_live_zAnar3ZLt4bnlz2MPKgcjnCq is a publishable key",
    'password = ""',
    "password: ${DB_PASSWORD}",
    'api_key = "insert_key_here"',
    "password = os.environ['DB_PASSWORD']",
    "The password policy requires twelve characters.",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    "Meet me at 10:30, the token ring network is old.",
])
def test_it_ignores_placeholders_and_prose(text):
    assert detect_secrets(text) == []


def test_github_tokens_are_checked_against_their_crc32():
    body = "wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO"
    import zlib
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    crc, check = zlib.crc32(body.encode()), ""
    while crc:
        crc, r = divmod(crc, 62)
        check = alphabet[r] + check
    good = "ghp_" + body + check.rjust(6, "0")
    assert github_checksum_ok(good)
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert not github_checksum_ok(bad)
    (f_good,), (f_bad,) = detect_secrets(good), detect_secrets(bad)
    assert f_good.detail["validated"] is True and f_bad.detail["validated"] is False
    assert f_good.score > f_bad.score


def test_jwt_structure_is_validated():
    assert jwt_ok(JWT)
    assert not jwt_ok("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc")


def test_entropy_scan_runs_only_when_asked_and_skips_words():
    text = 'config: "q8Zr4TnV2xLw9KpB7mYc3HsJ6dFg1Ae5"  and the word internationalization'
    assert [f.type for f in detect_secrets(text, entropy=True)] == ["HIGH_ENTROPY_STRING"]
    assert detect_secrets(text) == []
