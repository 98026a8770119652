"""Formats added in the breadth round of issue 10, each built here from the provider's documented
layout (prefix, length, alphabet, and the structure or checksum where there is one): the
well-formed value is found with its offsets and type; a value with the format's head but the
wrong length or a broken checksum is a near miss, claimed and reported by nothing."""

import base64
import hashlib
import json

import pytest

from guards.analyzers.securityguard.secrets import detect_secrets
from guards.analyzers.securityguard.secrets.checks import B58, base58check_decode, bip32_private_ok
from tests.guards.analyzers.securityguard.secrets import fakes as f

UUID = f"{f.rand(f.HEX, 8)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 4)}-{f.rand(f.HEX, 12)}"
B64 = f.B62 + "+/"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _dc_pat(token_id: str = "588925395905") -> str:
    """Atlassian Data Center PAT: base64 of a 12-digit id, ':' and 20 random bytes (44 characters)."""
    return _b64(token_id.encode() + b":" + bytes(int(f.rand(f.HEX, 2), 16) for _ in range(20)))


def _reference_token() -> str:
    """JFrog reference token: base64 of reftkn:01:<10-digit expiry>:<random>."""
    return _b64(b"reftkn:01:1769166461:" + f.rand(f.B62, 27).encode())


def _base58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number, out = int.from_bytes(raw, "big"), ""
    while number:
        number, r = divmod(number, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def _xprv() -> str:
    key = bytes(int(f.rand(f.HEX, 2), 16) for _ in range(64))
    return _base58check(bytes.fromhex("0488ade4") + b"\0" * 9 + key[:32] + b"\0" + key[32:])


def _tunnel_token() -> str:
    claims = {"a": f.rand(f.HEX, 32), "t": UUID, "s": _b64(f.rand(f.B62, 32).encode())}
    return _b64(json.dumps(claims, separators=(",", ":")).encode())  # cloudflared writes compact JSON


# (finding type, the credential, the line it sits in)
CASES = [
    ("ATLASSIAN_DC_PAT", _dc_pat(), "jira_token: {}"),
    ("ATLASSIAN_DC_PAT", "BBDC-" + _dc_pat("139493427183"), "git clone with {}"),
    ("JFROG_TOKEN", _reference_token(), "ARTIFACTORY_ACCESS_TOKEN={}"),
    ("CRYPTO_PRIVATE_KEY", _xprv(), "wallet backup: {}"),
    ("CLOUDFLARE_TUNNEL_TOKEN", _tunnel_token(), "cloudflared tunnel run --token {}"),
    ("AMAZON_MWS_TOKEN", "amzn.mws." + UUID, "MWS_AUTH_TOKEN={}"),
    ("DENO_DEPLOY_TOKEN", "ddp_" + f.rand(f.B62, 36), "DENO_DEPLOY_TOKEN={}"),
    ("WOOCOMMERCE_KEY", "cs_" + f.rand(f.HEX, 40), "consumer_secret: {}"),
    ("FLUTTERWAVE_KEY", "FLWSECK_TEST-" + f.rand(f.LOWER36, 32) + "-X", "FLW_SECRET_KEY={}"),
    ("RAZORPAY_KEY", "rzp_test_" + f.rand(f.B62, 14), "key_id: {}"),
    ("ABLY_API_KEY", f"{f.rand(f.B62, 6)}.{f.rand(f.B62, 6)}:{f.rand(f.B64URL, 43)}", "new Ably.Realtime('{}')"),
    ("NEON_API_KEY", "napi_" + f.rand(f.LOWER36, 64), "NEON_API_KEY={}"),
    ("STYTCH_SECRET", "secret-test-" + f.rand(f.B64URL, 36) + "=", "STYTCH_SECRET={}"),
    ("INTRA42_SECRET", "s-s4t2ud-" + f.rand(f.HEX, 64), "FT_CLIENT_SECRET={}"),
    ("ADOBE_CLIENT_SECRET", "p8e-" + f.rand(f.B64URL, 32), "client_secret={}"),
    ("GHOST_ADMIN_KEY", f"{f.rand(f.HEX, 24)}:{f.rand(f.HEX, 64)}", "GHOST_ADMIN_API_KEY={}"),
    ("BITWARDEN_ACCESS_TOKEN", f"0.{UUID}.{f.rand(f.B62, 30)}:{f.rand(B64, 22)}==", "BWS_ACCESS_TOKEN={}"),
    ("HONEYCOMB_KEY", "hcaik_" + f.rand(f.LOWER36, 58), "HONEYCOMB_API_KEY={}"),
    ("DROPBOX_TOKEN", "sl.u." + f.rand(f.B64URL, 150), "Authorization: Bearer {}"),
    ("OPENAI_SESSION_TOKEN", "sess-" + f.rand(f.B62, 40), "session: {}"),
    ("PUBNUB_SECRET_KEY", "sec-c-" + f.rand(f.B62, 48), "secretKey: '{}'"),
    ("MAXMIND_LICENSE_KEY", f"{f.rand(f.B62, 6)}_{f.rand(f.B62, 29)}_mmk", "LicenseKey {}"),
    ("TINES_WEBHOOK", f"https://acme.tines.com/webhook/{f.rand(f.HEX, 32)}/{f.rand(f.HEX, 32)}", "POST {}"),
    ("ZAPIER_WEBHOOK", f"https://hooks.zapier.com/hooks/catch/{f.rand('0123456789', 7)}/{f.rand(f.LOWER36, 6)}/",
     "curl -X POST {}"),
]

# URLs whose key or token part (not the whole URL) is the credential: (type, secret, the text)
URL_PARTS = [
    ("IFTTT_WEBHOOK_KEY", (k := f.rand(f.B64URL, 22)), f"https://maker.ifttt.com/trigger/door/with/key/{k}"),
    ("GOOGLE_CHAT_WEBHOOK", (t := f.rand(f.B64URL, 43) + "%3D"),
     f"https://chat.googleapis.com/v1/spaces/AAAA{f.rand(f.B62, 7)}/messages?key=AIza{f.rand(f.B64URL, 35)}&token={t}"),
    ("AZURE_LOGIC_APP_URL", (s := f.rand(f.B64URL, 43)),
     f"https://prod-12.westeurope.logic.azure.com:443/workflows/{f.rand(f.HEX, 32)}/triggers/manual/paths/invoke"
     f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={s}"),
]

NAMED = [
    ("SHODAN_KEY", "SHODAN_API_KEY={}", f.rand(f.B62, 32)),
    ("VIRUSTOTAL_KEY", "virustotal apikey: {}", f.rand(f.HEX, 64)),
    ("ABUSEIPDB_KEY", "ABUSEIPDB_KEY={}", f.rand(f.HEX, 80)),
    ("PIXABAY_KEY", "pixabay_key = '{}'", f.rand("0123456789", 8) + "-" + f.rand(f.HEX, 25)),
    ("KRAKEN_KEY", "KRAKEN_PRIVATE_KEY={}", f.rand(B64, 86) + "=="),
    ("IEX_CLOUD_KEY", "IEX_CLOUD_TOKEN={}", "sk_" + f.rand(f.HEX, 32)),
]


@pytest.mark.parametrize(("kind", "secret", "line"), CASES, ids=[c[0] for c in CASES])
def test_it_finds_each_documented_format(kind, secret, line):
    text = line.format(secret)
    found = [x for x in detect_secrets(text) if x.type == kind]
    assert [text[x.start:x.end] for x in found] == [secret]
    assert found[0].detail["detector"] == "provider"


@pytest.mark.parametrize(("kind", "secret", "text"), URL_PARTS, ids=[c[0] for c in URL_PARTS])
def test_the_credential_part_of_a_secret_url_is_reported(kind, secret, text):
    found = [x for x in detect_secrets(text) if x.type == kind]
    assert [text[x.start:x.end] for x in found] == [secret]


@pytest.mark.parametrize(("kind", "line", "value"), NAMED, ids=[n[0] for n in NAMED])
def test_a_provider_name_types_a_bare_value_of_its_documented_shape(kind, line, value):
    text = line.format(value)
    (found,) = detect_secrets(text)
    assert (found.type, found.detail["detector"], text[found.start:found.end]) == (kind, "anchored", value)


def test_an_atlassian_dc_token_of_the_wrong_length_is_a_near_miss_and_other_base64_is_not_claimed():
    good = _dc_pat()
    for near in (good + "=", good[:40], good + "AAAA", "BBDC-" + good[:30]):
        assert detect_secrets(f"jira_token: {near}") == [], near
    # a random base64 value opening with M, N or O has no 12-digit head: the generic checks still see it
    other = "N" + f.rand(f.B62, 43)
    (found,) = detect_secrets(f"jira_token: {other}")
    assert found.type == "GENERIC_SECRET"


def test_a_jfrog_reference_token_must_decode_to_its_reftkn_layout():
    assert detect_secrets("token: " + _b64(b"reftkn:01:0000000000:")[:28] + "SHORT") == []
    forged = "cmVmdGtu" + f.rand(f.B62, 56)  # the right head, then no expiry field
    assert [x for x in detect_secrets(f"token: {forged}") if x.detail.get("validated") is not False] == []


def test_an_extended_private_key_is_checked_by_its_base58check_checksum():
    good = _xprv()
    assert bip32_private_ok(good) and base58check_decode(good) is not None
    flipped = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert not bip32_private_ok(flipped)
    assert [x for x in detect_secrets(f"wallet backup: {flipped}") if x.type == "CRYPTO_PRIVATE_KEY"] == []
    # an extended PUBLIC key (xpub) is meant to be shared
    public = _base58check(bytes.fromhex("0488b21e") + b"\0" * 9 + bytes(32) + b"\x02" + bytes(32))
    assert not bip32_private_ok(public)


def test_a_value_opening_with_a_bare_equals_sign_is_mangled_but_an_assignment_is_not():
    body = f.rand(f.B62, 40)
    assert detect_secrets(f"={body}") == []
    assert detect_secrets(f"pasted:\n={body}\n") == []
    (found,) = detect_secrets(f"API_KEY={body}")
    assert found.type == "GENERIC_SECRET"


def test_documented_tails_on_bodies_of_another_length_are_near_misses():
    assert detect_secrets("AA" + f.rand(f.HEX, 38) + "-NRMA") == []
    assert detect_secrets(f.rand(f.HEX, 32) + "-us") == []
    (mailchimp,) = detect_secrets(f.rand(f.HEX, 32) + "-us21")
    assert mailchimp.type == "MAILCHIMP_API_KEY"


def test_public_flutterwave_keys_are_not_reported():
    assert detect_secrets("FLW_PUBLIC_KEY=FLWPUBK_TEST-" + f.rand(f.HEX, 32) + "-X") == []


@pytest.mark.parametrize(("kind", "secret", "line"), [
    ("TOGETHER_API_KEY", "tgp_v1_" + f.rand(f.B64URL, 43), "TOGETHER_API_KEY={}"),
    ("CHECKOUT_SECRET_KEY", "sk_sbox_" + f.rand("abcdefghijklmnopqrstuvwxyz234567", 26), "CKO_SECRET_KEY={}"),
    ("HARVEST_TOKEN", f"{f.rand('0123456789', 7)}.pt.{f.rand(f.B64URL, 86)}", "Authorization: Bearer {}"),
], ids=["together", "checkout", "harvest"])
def test_it_finds_the_later_documented_formats(kind, secret, line):
    test_it_finds_each_documented_format(kind, secret, line)


@pytest.mark.parametrize(("kind", "line"), [("SENDBIRD_TOKEN", "SENDBIRD_API_TOKEN={}"),
                                            ("PIPEDRIVE_TOKEN", "pipedrive api_token: {}")])
def test_named_hex_tokens(kind, line):
    test_a_provider_name_types_a_bare_value_of_its_documented_shape(kind, line, f.rand(f.HEX, 40))
