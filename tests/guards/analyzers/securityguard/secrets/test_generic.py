"""Provider-agnostic secrets: assignments to secret-named keys and random-looking tokens, and the
ordinary text (prose, identifiers, digests, ids, edited near misses) that must stay quiet."""

import pytest

from guards.analyzers.securityguard.secrets import detect_secrets
from guards.analyzers.securityguard.secrets.checks import is_placeholder, typed_share
from guards.analyzers.securityguard.secrets.randomness import edited, randomness
from tests.guards.analyzers.securityguard.secrets import fakes as f

TOKEN = f.rand(f.B62, 32)  # an unknown provider's key


@pytest.mark.parametrize(("text", "kind", "tier"), [
    (f"MY_SERVICE_API_KEY={TOKEN}", "GENERIC_SECRET", "keyword"),
    (f'"client_secret": "{TOKEN}"', "GENERIC_SECRET", "keyword"),
    (f"curl -H 'Authorization: Bearer {TOKEN}' https://api.example.org/v1", "GENERIC_SECRET", "keyword"),
    (f"<secret>{TOKEN}</secret>", "GENERIC_SECRET", "keyword"),
    (f"settings:\n  api_key:\n    {TOKEN}", "GENERIC_SECRET", "keyword"),
    (f"https://hooks.acme-notify.net/webhook/{f.rand(f.LOWER36, 32)}", "GENERIC_SECRET", "keyword"),
    (f"I pasted this from the dashboard\n{TOKEN}\nthanks", "HIGH_ENTROPY_STRING", "token"),
    (f"I pasted this from the dashboard:\n{TOKEN}", "GENERIC_SECRET", "keyword"),
    ('db_password = "c0rrect-h0rse-battery"', "PASSWORD", "keyword"),
])
def test_it_finds_secrets_of_unknown_providers(text, kind, tier):
    (found,) = detect_secrets(text)
    assert (found.type, found.detail["detector"]) == (kind, tier)
    assert text[found.start:found.end] in (TOKEN, "c0rrect-h0rse-battery") or found.start > text.index("webhook")


def test_a_provider_name_next_to_a_bare_value_types_it():
    (found,) = detect_secrets(f"cohere_api_key: {f.rand(f.B62, 40)}")
    assert found.type == "COHERE_API_KEY" and found.detail["detector"] == "anchored"


@pytest.mark.parametrize("text", [
    "The quick brown fox jumps over the lazy dog; internationalization is a long word.",
    "Natalia sold 48 clips in April and half as many in May. How many did she sell?",
    "def get_user_profile_by_identifier(self, request_identifier): return self.repository_lookup",
    "sha256 = 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "request_id: 3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d",
    "see https://github.com/acme/widgets/blob/main/src/widgets/registry.py#L120",
    "numpy version 1.26.4.dev0+git20240101, pi is 3.14159265358979323846",
    "api_key = os.environ['SERVICE_API_KEY']",
    "token = get_token_from_vault(client)",
    # near misses of an unknown provider's key: a stray character, a changed case, a bad group
    f"API_KEY={TOKEN[:12]}?{TOKEN[12:]}",
    f"API_KEY={f.rand(f.LOWER36, 20)}X{f.rand(f.LOWER36, 11)}",
    f"license: {f.rand(f.HEX, 12)}g{f.rand(f.HEX, 19)}",
    f"{f.rand(f.LOWER36, 8)}-{f.rand(f.LOWER36, 4)}-{f.rand(f.LOWER36, 4)}-{f.rand(f.LOWER36, 4)}-{f.rand(f.LOWER36, 11)}",
    "api_key: abcdefghijklmnopqrstuvwxyz0123456789",
    "password = request.POST['password']",
    "Passage: Hoping for rain, the farmers waited another week before planting.",
    "The bypass: Closed until Monday because of the flood.",
    'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6R9GqQ8Kuxy9rx7HNQlGYl1kPzQho1wx4JwY8wCq"',
    f"client_id: {f.rand(f.B62, 32)}",
])
def test_ordinary_text_and_near_misses_are_quiet(text):
    assert detect_secrets(text) == []


def test_random_strings_score_high_and_words_low():
    assert randomness(f.rand(f.B62, 32)) > 0.8
    assert randomness(f.rand(f.HEX, 40)) > 0.8
    assert randomness("getUserProfileIdentifier") == 0.0
    assert randomness("internationalization") == 0.0
    assert randomness("abcdef1234567890abcdef1234567890") < 0.3  # typed, not generated


def test_typed_runs_and_placeholders():
    assert typed_share("a1b2c3d4e5f6a7b8c9d0") == 1.0
    assert typed_share("qwertyasdfgh") == 1.0
    assert typed_share(f.rand(f.B62, 32)) < 0.3
    for value in ("xxxxxxxxxxxxxxxx", "<your-api-key>", "${API_KEY}", "AKIAIOSFODNN7EXAMPLE", "********"):
        assert is_placeholder(value), value
    assert not is_placeholder(f.rand(f.B62, 32))


def test_edited_tokens_are_recognised():
    lower = f.rand(f.LOWER36, 32)
    assert edited(lower[:10] + "Q" + lower[11:])
    assert edited(f.rand(f.HEX, 20) + "z" + f.rand(f.HEX, 11))
    assert not edited(lower) and not edited(f.rand(f.B62, 32)) and not edited(f.rand(f.HEX, 32))


def test_standard_scans_skip_digests_in_text_that_comprehensive_scans_report():
    text = f"merged {f.rand(f.HEX, 40)} yesterday"
    assert detect_secrets(text) == []
    assert [x.type for x in detect_secrets(text, entropy=True)] == ["HIGH_ENTROPY_STRING"]


def _hex_with_letter_and_digit(n: int) -> str:
    return f.rand(f.HEX, n - 2) + "7e"


def test_hex_of_odd_length_encodes_no_whole_bytes_and_is_a_near_miss():
    even, odd = _hex_with_letter_and_digit(32), _hex_with_letter_and_digit(32)[:-1]
    assert not edited(even) and edited(odd)
    assert edited(_hex_with_letter_and_digit(14)[:-1])  # short runs too
    assert not edited("live_" + _hex_with_letter_and_digit(36)[:-1])  # a labelled body may be odd
    assert detect_secrets(f"I pasted this from the dashboard\n{odd}\nthanks") == []
    assert [x.type for x in detect_secrets(f"I pasted this from the dashboard\n{even}\nthanks")] == [
        "HIGH_ENTROPY_STRING"]


@pytest.mark.parametrize("text", [
    "    status_code = status.HTTP_400_BAD_REQUEST",
    'report = {"p50_cpu_ms_per_kb_output": 1.2, "latency_1kb_mixed": 3}',
    '        raise SecretsConfigError("AWS credentials not found: run with an IAM role, AWS_PROFILE or "',
    '    return f"apikey:v{CACHE_VERSION}:{prefix}"',
    "        kwargs.setdefault('max_length', MAX_IPV6_ADDRESS_LENGTH)\nHTTP_502_BAD_GATEWAY = 502",
    "dependencies = [\n    ('authtoken', '0003_tokenproxy'),\n]",
    "# fixed upstream in https://github.com/django/django/commit/" + f.rand(f.HEX, 40),
    "see github.com/acme/app/blob/" + f.rand(f.HEX, 40) + "/README.md",
    "    change_password_form = AdminPasswordChangeForm",
    "        if password:\n            try:\n                validate(password)",
    '            env = {"MYSQL_PWD": password}',
    '    p2 = getpass.getpass("Password (again): ")',
    "    # CVE-2019-14235: an error message",
])
def test_code_names_messages_and_format_strings_are_not_secrets(text):
    assert detect_secrets(text) == []


def test_a_password_with_braces_is_still_a_secret_and_not_a_format_string():
    assert [x.type for x in detect_secrets('api_key = "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"')] == [
        "GENERIC_SECRET"]


def test_a_moderately_random_token_counts_when_pasted_alone_on_its_line_not_inside_a_sentence():
    value = "hysziep9fin5xo1prykoway7"  # vowel-rich random base36: randomness between 0.35 and 0.5
    assert 0.35 <= randomness(value) < 0.5
    assert [x.type for x in detect_secrets(f"I pasted this from the dashboard\n{value}\nthanks")] == [
        "HIGH_ENTROPY_STRING"]
    assert detect_secrets(f"the value {value} was shown in the log yesterday") == []


def test_a_mark_inside_a_quoted_literal_mangles_the_token_but_one_ending_a_sentence_does_not():
    assert detect_secrets(f'token := "{TOKEN}!"') == []
    assert [x.type for x in detect_secrets(f"My API key is {TOKEN}!")] == ["GENERIC_SECRET"]


def test_a_label_around_a_hex_or_uuid_body_is_read_as_a_label_not_an_edit():
    # a region tag with its number after a hex key (Mailchimp-style "-us5") is a label, not an edited character
    tagged = f.rand(f.HEX, 32) + "-eu3"
    assert [x.type for x in detect_secrets(f"here it is\n{tagged}\n")] == ["HIGH_ENTROPY_STRING"]
    # a UUID behind a short label (pat-na1-<uuid>, sub-c-<uuid>) counts as a UUID: alone on its line or
    # under a secret-named key it is reported, inside a sentence it is a record id like any UUID
    uuid = f"{f.rand(f.HEX, 8)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 12)}"
    labelled = "tok-eu2-" + uuid
    assert [x.type for x in detect_secrets(f"from the ingest job\n{labelled}\n")] == ["HIGH_ENTROPY_STRING"]
    assert [x.type for x in detect_secrets(f"INGEST_TOKEN={labelled}")] == ["GENERIC_SECRET"]
    assert detect_secrets(f"the job {labelled} finished at noon and was archived") == []


def test_a_documentation_host_does_not_hide_a_key_in_the_url_path_but_a_placeholder_in_the_path_does():
    key = "pri_" + f.rand(f.HEX, 32)
    text = f'url := "https://api.example.com/v1/besttime/keys/{key}"'
    assert [text[x.start:x.end] for x in detect_secrets(text)] == [key]
    assert detect_secrets(f"https://hooks.example.com/services/TEXAMPLE/BASE/{f.rand(f.B62, 24)}") == []
