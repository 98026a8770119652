"""Providers added for breadth, each from its documented token layout: the well-formed token is
found with its offsets and type, and a near miss (wrong length, wrong alphabet) is not reported
as that provider (an exact format's near miss is not reported at all)."""

import base64
import json

import pytest

from guards.analyzers.securityguard.secrets import detect_secrets
from tests.guards.analyzers.securityguard.secrets import fakes as f

UPPER36 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UUID = f"{f.rand(f.HEX, 8)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 12)}"



def _b64_json(obj: dict) -> str:
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


# (finding type, the credential, the line it sits in, a near miss of the same format or None)
CASES = [
    ("NVIDIA_API_KEY", "nvapi-" + f.rand(f.B64URL, 64), "NVIDIA_API_KEY={}", "nvapi-" + f.rand(f.B64URL, 50)),
    ("TAVILY_API_KEY", "tvly-dev-" + f.rand(f.B62, 32), "tavily: {}", None),
    ("FIRECRAWL_API_KEY", "fc-" + f.rand(f.HEX, 32), "FIRECRAWL_API_KEY={}", None),
    ("ELEVENLABS_API_KEY", "sk_" + f.rand(f.HEX, 48), "xi-api-key: {}", None),
    ("XAI_API_KEY", "xai-" + f.rand(f.B62, 80), "XAI_API_KEY={}", "xai-" + f.rand(f.B62, 41)),
    ("PAYSTACK_KEY", "sk_live_" + f.rand(f.HEX, 40), "PAYSTACK_SECRET_KEY={}", None),
    ("PADDLE_API_KEY", f"pdl_live_apikey_{f.rand(f.LOWER36, 26)}_{f.rand(f.B62, 22)}_{f.rand(f.B62, 3)}",
     "Authorization: Bearer {}", f"pdl_live_apikey_{f.rand(f.LOWER36, 20)}_{f.rand(f.B62, 22)}"),
    ("LOB_KEY", "live_" + f.rand(f.HEX, 35), "lob.api_key = '{}'", None),
    ("MOLLIE_KEY", "test_" + f.rand(f.B62, 30), "MOLLIE_API_KEY={}", None),
    ("RESEND_API_KEY", f"re_{f.rand(f.B62, 8)}_{f.rand(f.B62, 24)}", "RESEND_API_KEY={}", None),
    ("MAILERSEND_TOKEN", "mlsn." + f.rand(f.HEX, 64), "token: {}", "mlsn." + f.rand(f.HEX, 40)),
    ("FIREBASE_FCM_KEY", f"AAAA{f.rand(f.B64URL, 7)}:APA91b{f.rand(f.B64URL, 134)}",
     "Authorization: key={}", None),
    ("WEBEX_TOKEN", f"{f.rand(f.B62, 64)}_{f.rand(f.B62, 4)}_{UUID}", "WEBEX_BOT_TOKEN={}", None),
    ("CLOUDFLARE_API_TOKEN", "cfut_" + f.rand(f.B62, 40) + f.rand(f.HEX, 8), "CLOUDFLARE_API_TOKEN={}",
     "cfut_" + f.rand(f.B62, 21)),
    ("PRIVATE_KEY", base64.b64encode(f.pem().encode()).decode(), "    client-key-data: {}", None),
    ("AWS_BEDROCK_API_KEY", "ABSK" + f.rand(f.B62 + "+/", 120), "AWS_BEARER_TOKEN_BEDROCK={}", None),
    ("INSTAGRAM_TOKEN", "IGQVJ" + f.rand(f.B64URL, 180), "access_token={}", None),
    ("PINTEREST_TOKEN", "pina_" + f.rand(f.B62, 100), "PINTEREST_TOKEN={}", None),
    ("PUSHBULLET_TOKEN", "o." + f.rand(f.B62, 32), "Access-Token: {}", None),
    ("HONEYBADGER_TOKEN", "hbp_" + f.rand(f.B62, 36), "HONEYBADGER_PERSONAL_AUTH_TOKEN={}", None),
    ("DATABRICKS_TOKEN", "dose" + f.rand(f.HEX, 32), "DATABRICKS_CLIENT_SECRET={}", None),
    ("CEREBRAS_API_KEY", "csk-" + f.rand(f.LOWER36, 48), "CEREBRAS_API_KEY={}", None),
    ("LLAMACLOUD_API_KEY", "llx-" + f.rand(f.B62, 48), "LLAMA_CLOUD_API_KEY={}", None),
    ("GRAFANA_TOKEN", _b64_json({"k": f.rand(f.B62, 32), "n": "deploy", "id": 1}), "GF_API_KEY={}", None),
    ("NEPTUNE_API_TOKEN", _b64_json({"api_address": "https://app.neptune.ai", "api_url": "https://app.neptune.ai",
                                     "api_key": UUID}), "NEPTUNE_API_TOKEN={}", None),
    ("TELNYX_API_KEY", f"KEY{f.rand('0123456789ABCDEF', 32)}_{f.rand(f.B62, 22)}", "TELNYX_API_KEY={}", None),
    ("PASSWORD_IN_URL", "Zq8" + f.rand(f.B62, 13), "REDIS_URL=redis://:{}@cache.internal:6379/0", None),
    ("LOCATIONIQ_TOKEN", "pk." + f.rand(f.HEX, 32), "LOCATIONIQ_KEY={}", "pk." + f.rand(f.B64URL, 31)),
    ("GCP_API_KEY", "AIza" + f.rand(f.B64URL, 35), "key={}", "AIza" + f.rand(f.B64URL, 34)),
    ("AWS_ACCESS_KEY", "AKIA" + f.rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "aws_access_key_id = {}",
     "AKIA" + f.rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 15) + "a" + f.rand(f.B62, 8)),
    ("YANDEX_API_KEY", "AQVN" + f.rand(f.B64URL, 36), "yc_api_key: {}", None),
    ("GITLAB_TOKEN", "glpat-" + f.rand(f.B64URL, 20), "GITLAB_TOKEN={}", "glpat-" + f.rand(f.HEX, 64)),
    ("GITLAB_TOKEN", f"glpat-{f.rand(f.B64URL, 36)}.01.{f.rand(f.LOWER36, 9)}", "token: {}", None),
    ("GITLAB_TOKEN", "gloas-" + f.rand(f.HEX, 64), "client_secret: {}", "gloas-" + f.rand(f.HEX, 30)),
    ("BUILDKITE_TOKEN", "bkua_" + f.rand(f.LOWER36, 40), "BUILDKITE_TOKEN={}", "bkua_" + f.rand(f.LOWER36, 31)),
    ("YOUTRACK_TOKEN", f"perm:{f.b64url(b'deploy-bot')}.{f.b64url(b'ci-token')}.{f.rand(f.B62, 30)}",
     "Authorization: Bearer {}", None),
    ("LAUNCHDARKLY_KEY", "mob-" + UUID, "LD_MOBILE_KEY={}", None),
    ("HARNESS_TOKEN", f"pat.{f.rand(f.B64URL, 22)}.{f.rand(f.HEX, 24)}.{f.rand(f.B62, 20)}", "x-api-key: {}",
     f"pat.{f.rand(f.B64URL, 22)}.{f.rand(f.HEX, 24)}.{f.rand(f.B62, 13)}"),
    ("POSTHOG_KEY", "phx_" + f.rand(f.B62, 43), "POSTHOG_PERSONAL_API_KEY={}", None),
    ("CLICKUP_TOKEN", f"pk_{f.rand('0123456789', 8)}_{f.rand(UPPER36, 32)}", "CLICKUP_TOKEN={}", None),
    ("ZOHO_TOKEN", f"1000.{f.rand(f.HEX, 32)}.{f.rand(f.HEX, 32)}", "refresh_token={}",
     f"1000.{f.rand(f.HEX, 16)}.{f.rand(f.HEX, 16)}"),
    ("FLY_TOKEN", "FlyV1 fm2_" + f.rand(f.B64URL, 120), "FLY_API_TOKEN='{}'", None),
    ("SALESFORCE_TOKEN", f"00D{f.rand(f.B62, 12)}!{f.rand(f.B62 + '._', 96)}", "sid={}", None),
    ("DEFINED_NETWORKING_KEY", f"dnkey-{f.rand(f.LOWER36, 26)}-{f.rand(f.LOWER36, 52)}", "DN_API_KEY={}", None),
]

# Values that only the provider named next to them identifies (no prefix of their own).
NAMED = [
    ("CONFLUENT_SECRET", "confluent_api_secret: {}", f.rand(f.B62 + "+/", 64)),
    ("TWITCH_TOKEN", "twitch_oauth_token={}", f.rand(f.LOWER36, 30)),
    ("PLAID_SECRET", "PLAID_SECRET={}", f.rand(f.HEX, 30)),
    ("ETHERSCAN_KEY", "ETHERSCAN_API_KEY={}", f.rand(UPPER36, 34)),
    ("OPENWEATHER_KEY", "openweathermap appid: {}", f.rand(f.HEX, 32)),
    ("APILAYER_KEY", "IPSTACK_ACCESS_KEY={}", f.rand(f.HEX, 32)),
    ("SERPAPI_KEY", "SERPAPI_API_KEY={}", f.rand(f.HEX, 64)),
    ("DOCUSIGN_KEY", "docusign_integration_key: {}", UUID),
    ("PLIVO_AUTH_TOKEN", "PLIVO_AUTH_TOKEN={}", f.rand(f.B62, 40)),
    ("KAGGLE_KEY", "KAGGLE_KEY={}", f.rand(f.HEX, 32)),
    ("LINODE_TOKEN", "LINODE_TOKEN={}", f.rand(f.HEX, 64)),
    ("VULTR_API_KEY", "vultr_api_key: {}", f.rand(UPPER36, 36)),
    ("HETZNER_TOKEN", "HCLOUD_TOKEN={}", f.rand(f.B62, 64)),
    ("SCALEWAY_SECRET_KEY", "SCW_SECRET_KEY={}", UUID),
    ("JENKINS_API_TOKEN", "JENKINS_API_TOKEN={}", "11" + f.rand(f.HEX, 32)),
    ("CODECOV_TOKEN", "CODECOV_TOKEN={}", UUID),
    ("TRELLO_TOKEN", "trello_token = '{}'", f.rand(f.HEX, 64)),
    ("ROLLBAR_TOKEN", "ROLLBAR_ACCESS_TOKEN={}", f.rand(f.HEX, 32)),
    ("BUGSNAG_KEY", "bugsnag api_key: {}", f.rand(f.HEX, 32)),
    ("OPSGENIE_KEY", "OPSGENIE_API_KEY={}", UUID),
    ("SPLUNK_HEC_TOKEN", "splunk_hec_token: {}", UUID),
    ("SUMOLOGIC_KEY", "SUMO_ACCESS_KEY={}", f.rand(f.B62, 64)),
    ("MATTERMOST_TOKEN", "MATTERMOST_TOKEN={}", f.rand(f.LOWER36, 26)),
    ("FRESHDESK_KEY", "FRESHDESK_API_KEY={}", f.rand(f.B62, 20)),
]


@pytest.mark.parametrize(("kind", "line", "value"), NAMED, ids=[n[0] for n in NAMED])
def test_a_provider_name_types_a_bare_value_of_its_shape(kind, line, value):
    text = line.format(value)
    (found,) = detect_secrets(text)
    assert (found.type, found.detail["detector"], text[found.start:found.end]) == (kind, "anchored", value)


@pytest.mark.parametrize(("kind", "secret", "line", "_near"), CASES, ids=[c[0] for c in CASES])
def test_it_finds_each_added_provider_format(kind, secret, line, _near):
    text = line.format(secret)
    found = [x for x in detect_secrets(text) if x.type == kind]
    assert [text[x.start:x.end] for x in found] == [secret]
    assert found[0].detail["detector"] == "provider" and "_" not in found[0].detail["label"]


@pytest.mark.parametrize(("kind", "near"), [(c[0], c[3]) for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_a_near_miss_of_an_exact_format_is_not_reported(kind, near):
    assert detect_secrets(f"I pasted this from the dashboard\n{near}\nthanks") == []


def test_paystack_keys_are_not_mistaken_for_stripe_keys_and_stripe_keys_still_are():
    (paystack,) = detect_secrets("sk_live_" + f.rand(f.HEX, 40))
    (stripe,) = detect_secrets("sk_live_" + f.rand(f.B62, 99))
    assert (paystack.type, stripe.type) == ("PAYSTACK_KEY", "STRIPE_KEY")


def test_lob_publishable_keys_are_meant_to_be_public():
    assert detect_secrets("LOB_PUBLISHABLE_KEY=live_pub_" + f.rand(f.HEX, 31)) == []


def test_public_and_unlabelled_look_alikes_are_left_alone():
    assert detect_secrets("posthog.init('phc_" + f.rand(f.B62, 43) + "')") == []
    cloudinary = f"cloudinary://{f.rand('0123456789', 15)}:{f.rand(f.B64URL, 27)}@acme"
    (found,) = detect_secrets("CLOUDINARY_URL=" + cloudinary)
    assert found.type == "CLOUDINARY_URL"


def test_base64_that_is_not_a_pem_private_key_is_not_one():
    public = base64.b64encode(b"-----BEGIN CERTIFICATE-----\n" + f.rand(f.B62, 300).encode()).decode()
    assert detect_secrets(f"certificate-authority-data: {public}") == []


def _flip_last(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize("prefix", ["npm_", "ghs_", "gho_"])
def test_crc32_tokens_validate_and_a_one_character_change_is_unvalidated(prefix):
    good = f.crc_token(prefix)
    (ok,), (broken,) = detect_secrets(good), detect_secrets(_flip_last(good))
    assert ok.detail["validated"] is True and broken.detail["validated"] is False
    assert ok.score > broken.score


def test_a_pypi_token_must_hold_a_pypi_macaroon():
    good = f.pypi_token()
    (ok,) = detect_secrets(good)
    assert ok.type == "PYPI_TOKEN" and ok.detail["validated"] is True
    # the right head, then random bytes: no macaroon layout behind it
    other = "pypi-" + f.b64url(b"\x02\x01\x08pypi.org\x02\x06" + f.rand(f.B62, 90).encode())
    short_signature = f.pypi_token(signature_bytes=31)
    for forged in (other, short_signature):
        assert all(x.detail.get("validated") is not True for x in detect_secrets(forged) if x.type == "PYPI_TOKEN")


def test_a_discord_bot_token_names_a_numeric_bot_id():
    (ok,) = detect_secrets(f.discord_bot_token())
    assert ok.type == "DISCORD_BOT_TOKEN" and ok.detail["validated"] is True
    fake_id = f.b64url(b"not-a-snowflake-id")
    forged = f"M{fake_id[1:]}.{f.rand(f.B64URL, 6)}.{f.rand(f.B64URL, 38)}"
    assert all(x.detail.get("validated") is not True for x in detect_secrets(forged) if x.type == "DISCORD_BOT_TOKEN")


def test_base64_json_that_is_not_a_grafana_key_is_not_typed_as_one():
    other = _b64_json({"k": f.rand(f.B62, 32), "name": "deploy"})  # no "n" and "id"
    assert [x for x in detect_secrets(f"GF_API_KEY={other}") if x.type == "GRAFANA_TOKEN"] == []
