"""Provider formats: each documented shape is found with exact offsets and a human label;
near misses (wrong length, bad character, wrong prefix, placeholder, failed checksum) are not."""

import base64
import json

import pytest

from guards.analyzers.securityguard.secrets import detect_secrets
from tests.guards.analyzers.securityguard.secrets import fakes as f

_AGE = f.age_secret_key()
AGE_BROKEN = _AGE[:-1] + ("Q" if _AGE[-1] != "Q" else "P")  # one key, its last character changed
UUID = f"{f.rand(f.HEX, 8)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 12)}"

# (finding type, the credential, the line it sits in: "{}" marks where)
CASES = [
    ("AWS_ACCESS_KEY", "AKIA" + f.rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "aws configure set key {}"),
    ("AWS_SECRET_KEY", f.rand(f.B62 + "/+", 40), "aws_secret_access_key = {}"),
    ("GCP_API_KEY", "AIza" + f.rand(f.B64URL, 35), 'const mapsKey = "{}";'),
    ("GCP_OAUTH_SECRET", "GOCSPX-" + f.rand(f.B64URL, 28), "client_secret: {}"),
    ("AZURE_STORAGE_KEY", f.azure_account_key(),
     "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={};EndpointSuffix=core.windows.net"),
    ("GITHUB_TOKEN", f.crc_token("ghp_"), "git clone https://x:{}@github.com/acme/app"),
    ("GITHUB_TOKEN", "github_pat_" + f.rand(f.B62, 22) + "_" + f.rand(f.B62, 59), "GH_TOKEN={}"),
    ("GITLAB_TOKEN", "glpat-" + f.rand(f.B64URL, 20), "token: {}"),
    ("STRIPE_KEY", "sk_live_" + f.rand(f.B62, 32), "Stripe.api_key = '{}'"),
    ("SQUARE_TOKEN", "EAAA" + f.rand(f.B64URL, 60), "SQUARE_ACCESS_TOKEN={}"),
    ("SHOPIFY_TOKEN", "shpat_" + f.rand(f.HEX, 32), "X-Shopify-Access-Token: {}"),
    ("SLACK_TOKEN", f"xoxb-{f.rand('0123456789', 12)}-{f.rand('0123456789', 13)}-{f.rand(f.B62, 24)}",
     "SLACK_BOT_TOKEN={}"),
    ("SLACK_WEBHOOK", f"https://hooks.slack.com/services/T{f.rand('ABCDEFGHJK0123456789', 10)}/"
                      f"B{f.rand('ABCDEFGHJK0123456789', 10)}/{f.rand(f.B62, 24)}", "curl -X POST {}"),
    ("TELEGRAM_BOT_TOKEN", f.rand("123456789", 10) + ":AA" + f.rand(f.B64URL, 33), "bot token is {}"),
    ("DISCORD_BOT_TOKEN", f.discord_bot_token(), "DISCORD_TOKEN={}"),
    ("SENDGRID_API_KEY", "SG." + f.rand(f.B64URL, 22) + "." + f.rand(f.B64URL, 43), "SENDGRID_API_KEY={}"),
    ("MAILCHIMP_API_KEY", f.rand(f.HEX, 32) + "-us14", "mailchimp: {}"),
    ("OPENAI_API_KEY", "sk-proj-" + f.rand(f.B62, 20) + "T3BlbkFJ" + f.rand(f.B62, 20), "OPENAI_API_KEY={}"),
    ("ANTHROPIC_API_KEY", "sk-ant-api03-" + f.rand(f.B64URL, 93) + "AA", "x-api-key: {}"),
    ("HUGGINGFACE_TOKEN", "hf_" + f.rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 34),
     "huggingface-cli login --token {}"),
    ("NPM_TOKEN", f.crc_token("npm_"), "//registry.npmjs.org/:_authToken={}"),
    ("PYPI_TOKEN", f.pypi_token(), "password = {}"),
    ("DOCKER_HUB_TOKEN", "dckr_pat_" + f.rand(f.B64URL, 27), "docker login -u acme -p {}"),
    ("NEW_RELIC_KEY", "NRAK-" + f.rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 27), "NEW_RELIC_API_KEY={}"),
    ("LINEAR_API_KEY", "lin_api_" + f.rand(f.B62, 40), "Authorization: {}"),
    ("POSTMAN_API_KEY", "PMAK-" + f.rand(f.HEX, 24) + "-" + f.rand(f.HEX, 34), "x-api-key: {}"),
    ("DOPPLER_TOKEN", "dp.st." + f.rand(f.B62, 43), "DOPPLER_TOKEN={}"),
    ("VAULT_TOKEN", "hvs." + f.rand(f.B64URL, 90), "VAULT_TOKEN={}"),
    ("DATABRICKS_TOKEN", "dapi" + f.rand(f.HEX, 32), "token = {}"),
    ("DATADOG_API_KEY", f.rand(f.HEX, 32), "DD_API_KEY={}"),
    ("HEROKU_API_KEY", UUID, "HEROKU_API_KEY={}"),
    ("AGE_SECRET_KEY", f.age_secret_key(), "# created: 2026-01-01\n{}"),
    ("JWT", f.jwt(), "Authorization: Bearer {}"),
    ("PRIVATE_KEY", f.pem(), "key.pem:\n{}\n"),
    ("PRIVATE_KEY", f.openssh_pem(), "{}"),
    ("PRIVATE_KEY", f.putty_key(), "{}"),
    ("PASSWORD_IN_URL", "n8Rq2vXt5L", "DATABASE_URL=postgres://app:{}@db.internal:5432/app"),
    ("PASSWORD_IN_URL", "Zp4kW9sQ", "mongodb+srv://reader:{}@cluster0.example.net/test"),
]


@pytest.mark.parametrize(("kind", "secret", "line"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_it_finds_each_provider_format_with_exact_offsets(kind, secret, line):
    text = line.format(secret)
    found = [x for x in detect_secrets(text) if x.type == kind]
    assert [text[x.start:x.end] for x in found] == [secret]
    assert secret not in found[0].evidence and "*" in found[0].evidence
    label = found[0].detail["label"]
    assert found[0].message.startswith(label) and "_" not in label


@pytest.mark.parametrize("text", [
    "AKIA" + "X" * 16,  # placeholder
    "AKIAIOSFODNN7EXAMPLE",  # AWS's documentation example
    "ghp_" + f.rand(f.B62, 35),  # one character short
    "ghp_" + f.rand(f.B62, 33) + "?" + f.rand(f.B62, 2),  # a stray character inside
    "xoxb-65677559833?96137786733" + f.rand(f.B62, 10),  # mangled Slack token
    "sk_live_" + f.rand(f.B62, 10),  # too short
    "pk_live_" + f.rand(f.B62, 32),  # publishable: meant to be public
    "api_key = '<your-api-key>'",
    "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "password: ${DB_PASSWORD}",
    "postgres://app:password@localhost/app",
    "postgres://app:${PGPASSWORD}@localhost/app",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    AGE_BROKEN,  # bech32 checksum broken
])
def test_near_misses_and_placeholders_are_not_reported(text):
    assert detect_secrets(text) == []


def test_a_github_token_with_a_broken_checksum_is_reported_unvalidated_below_the_valid_one():
    good = f.crc_token("ghp_")
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    (ok,), (broken,) = detect_secrets(good), detect_secrets(bad)
    assert ok.detail["validated"] is True and broken.detail["validated"] is False
    assert ok.detail["detector"] == "provider" and broken.detail["detector"] == "provider_unvalidated"
    assert ok.score > broken.score


def test_a_jwt_whose_header_names_no_algorithm_is_not_a_jwt():
    header = f.b64url(b'{"typ":"JWT"}')
    payload = f.b64url(b'{"sub":"x"}')
    assert [x for x in detect_secrets(f"{header}.{payload}.{f.rand(f.B64URL, 43)}") if x.type == "JWT"] == []


def test_docker_config_auth_is_decoded_to_check_it_holds_user_and_password():
    good = base64.b64encode(b"deploy:" + f.rand(f.B62, 24).encode()).decode()
    text = json.dumps({"auths": {"registry.example.com": {"auth": good}}})
    (found,) = detect_secrets(text)
    assert found.type == "DOCKER_REGISTRY_AUTH" and text[found.start:found.end] == good
