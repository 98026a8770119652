"""Formats added in the breadth round of issue 10, each built here from the provider's documented
layout (prefix, length, alphabet, and the structure or checksum where there is one): the
well-formed value is found with its offsets and type; a value with the format's head but the
wrong length or a broken checksum is a near miss, claimed and reported by nothing."""

import base64
import hashlib
import json
import random

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


# --- second breadth round: commonly leaked providers not covered before, each from its documented format ---

UPPER36 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# a generator of its own: drawing from the shared one would shift every value the other test
# modules draw after this one is collected
_own = random.Random(20261202)


def _rand(alphabet: str, n: int) -> str:
    return "".join(_own.choice(alphabet) for _ in range(n))


def _uuid() -> str:
    return f"{_rand(f.HEX, 8)}-{_rand(f.HEX, 4)}-{_rand(f.HEX, 4)}-{_rand(f.HEX, 4)}-{_rand(f.HEX, 12)}"


def _azure_key(head: int, signature: str, tail: int, padding: str) -> str:
    return _rand(B64, head) + signature + _rand(B64, tail) + padding


def _tinybird() -> str:
    claims = {"u": _uuid(), "id": _uuid(), "host": "gcp-europe-west3"}
    return "p." + f.b64url(json.dumps(claims).encode()) + "." + _rand(f.B64URL, 43)


def _qstash() -> str:
    return _b64(json.dumps({"UserID": _uuid(), "Password": _rand(f.HEX, 32)}).encode())


BREADTH = [
    ("AZURE_COSMOSDB_KEY", _azure_key(76, "ACDb", 6, "=="), "COSMOS_KEY={}"),
    ("AZURE_BATCH_KEY", _azure_key(76, "+ABa", 6, "=="), "batch_account_key: {}"),
    ("AZURE_REDIS_KEY", _azure_key(33, "AzCa", 6, "="), "redis_password: {}"),
    ("AZURE_IOT_KEY", _azure_key(33, "AIoT", 6, "="), "iot_hub_key: {}"),
    ("AZURE_CONNECTION_STRING", _azure_key(33, "+ARm", 6, "="), "relay key {}"),
    ("AZURE_AI_SERVICES_KEY", _rand(f.B62, 52) + "JQQJ99" + _rand(f.B62, 26), 'speech_key = "{}"'),
    ("YANDEX_OAUTH_TOKEN", "y0_" + _rand(f.B64URL, 55), "Authorization: OAuth {}"),
    ("AKAMAI_EDGEGRID_TOKEN", f"akab-{_rand(f.LOWER36, 26)}-{_rand(f.LOWER36, 6)}", "access_token = {}"),
    ("DIGITALOCEAN_SPACES_KEY", "DO00" + _rand(UPPER36, 16), "SPACES_ACCESS_KEY_ID={}"),
    ("EXOSCALE_API_KEY", "EXO" + _rand(f.HEX, 24), "EXOSCALE_API_KEY={}"),
    ("VERCEL_TOKEN", "vcp_" + _rand(f.B62, 56), "VERCEL_TOKEN={}"),
    ("E2B_API_KEY", "e2b_" + _rand(f.HEX, 40), "E2B_API_KEY={}"),
    ("APIFY_TOKEN", "apify_api_" + _rand(f.B62, 36), "APIFY_TOKEN={}"),
    ("JINA_API_KEY", "jina_" + _rand(f.B64URL, 60), "Authorization: Bearer {}"),
    ("ANYSCALE_API_KEY", "esecret_" + _rand(f.B62, 26), "ANYSCALE_API_KEY={}"),
    ("BROWSERBASE_API_KEY", "bb_live_" + _rand(f.B64URL, 27), "BROWSERBASE_API_KEY={}"),
    ("DEEPL_AUTH_KEY", _uuid() + ":fx", "DEEPL_AUTH_KEY={}"),
    ("XENDIT_SECRET_KEY", "xnd_development_" + _rand(f.B62, 60), "XENDIT_SECRET_KEY={}"),
    ("MIDTRANS_SERVER_KEY", "SB-Mid-server-" + _rand(f.B64URL, 24), "serverKey: '{}'"),
    ("MERCADOPAGO_ACCESS_TOKEN",
     f"APP_USR-{_rand('0123456789', 16)}-{_rand('0123456789', 6)}-{_rand(f.HEX, 32)}-{_rand('0123456789', 9)}",
     "MP_ACCESS_TOKEN={}"),
    ("ONESIGNAL_API_KEY", "os_v2_app_" + _rand("abcdefghijklmnopqrstuvwxyz234567", 113), "Authorization: Key {}"),
    ("COURIER_TOKEN", "pk_prod_" + _rand(UPPER36, 28), "COURIER_AUTH_TOKEN={}"),
    ("CIRCLECI_TOKEN", f"CCIPRJ_{_rand(f.B62, 22)}_{_rand(f.HEX, 40)}", "CIRCLE_TOKEN={}"),
    ("TEAMCITY_TOKEN", f"eyJ0eXAiOiAiVENWMiJ9.{_rand(f.B64URL, 36)}.{_rand(f.B64URL, 48)}",
     "Authorization: Bearer {}"),
    ("DEPENDENCY_TRACK_KEY", "odt_" + _rand(f.B62, 32), "X-Api-Key: {}"),
    ("MONGODB_ATLAS_SECRET", "mdb_sa_sk_" + _rand(f.B64URL, 40), "MONGODB_ATLAS_CLIENT_SECRET={}"),
    ("CLICKHOUSE_SECRET", "4b1d" + _rand(f.B62, 38), "CLICKHOUSE_KEY_SECRET={}"),
    ("XATA_API_KEY", "xau_" + _rand(f.B62, 40), "XATA_API_KEY={}"),
    ("TINYBIRD_TOKEN", _tinybird(), "TB_TOKEN={}"),
    ("UPSTASH_QSTASH_TOKEN", _qstash(), "QSTASH_TOKEN={}"),
    ("AIVEN_PASSWORD", "AVNS_" + _rand(f.B64URL, 20), "password: {}"),
    ("APPWRITE_API_KEY", "standard_" + _rand(f.HEX, 256), "APPWRITE_API_KEY={}"),
    ("AXIOM_TOKEN", "xaat-" + _uuid(), "AXIOM_TOKEN={}"),
    ("CORALOGIX_KEY", "cxtp_" + _rand(f.B62, 30), "CORALOGIX_PRIVATE_KEY={}"),
    ("ONFIDO_TOKEN", f"api_sandbox.{_rand(f.B64URL, 11)}.{_rand(f.B64URL, 32)}", "ONFIDO_API_TOKEN={}"),
    ("ZUPLO_KEY", f"zpka_{_rand(f.HEX, 32)}_{_rand(f.HEX, 8)}", "Authorization: Bearer {}"),
    ("SAMSARA_TOKEN", "samsara_api_" + _rand(f.B62, 30), "SAMSARA_API_TOKEN={}"),
    ("STATSIG_SECRET", "secret-" + _rand(f.B62, 43), "STATSIG_SERVER_SECRET={}"),
    ("FLAGSMITH_SERVER_KEY", "ser." + "aB3" + _rand(f.B62, 19), "FLAGSMITH_ENVIRONMENT_KEY={}"),
    ("ROOTLY_KEY", "rootly_" + _rand(f.HEX, 64), "ROOTLY_API_TOKEN={}"),
    ("PANGEA_TOKEN", "pts_" + _rand(f.LOWER36, 32), "PANGEA_TOKEN={}"),
    ("CALCOM_KEY", "cal_live_" + _rand(f.HEX, 32), "CAL_API_KEY={}"),
    ("POSTMAN_API_KEY", "PMAT-" + _rand(UPPER36, 26), "collection access key {}"),
    ("INFISICAL_TOKEN", f"st.{_rand(f.HEX, 24)}.{_rand(f.HEX, 32)}.{_rand(f.HEX, 32)}", "INFISICAL_TOKEN={}"),
    ("IMAGEKIT_PRIVATE_KEY", "private_" + _rand(B64, 27) + "=", "privateKey: '{}'"),
    ("FOURSQUARE_KEY", "fsq3" + _rand(B64, 44), "FOURSQUARE_API_KEY={}"),
    ("RIOT_API_KEY", "RGAPI-" + _uuid(), "X-Riot-Token: {}"),
    ("INFOBIP_API_KEY", _rand(f.HEX, 32) + "-" + _uuid(), "Authorization: App {}"),
    ("HELICONE_API_KEY", "sk-helicone-" + "-".join(_rand(f.LOWER36, 7) for _ in range(4)), "Helicone-Auth: Bearer {}"),
    ("VOLCENGINE_ACCESS_KEY", "AKLT" + _rand(f.B64URL, 44), "VOLC_ACCESSKEY={}"),
    ("CHECKOUT_SECRET_KEY", "sk_test_" + _uuid(), "CKO_SECRET_KEY={}"),
    ("SMTP2GO_API_KEY", "api-" + _rand("0123456789ABCDEF", 32), '"api_key": "{}"'),
    ("COCKROACHDB_KEY", f"CCDB1_{_rand(f.B62, 22)}_{_rand(f.B62, 40)}", "COCKROACH_API_KEY={}"),
    ("UPTIMEROBOT_KEY", f"u{_rand('0123456789', 7)}-{_rand(f.HEX, 24)}", "api_key={}"),
    ("CHROMATIC_TOKEN", "chpt_" + _rand(f.HEX, 14), "CHROMATIC_PROJECT_TOKEN={}"),
    ("COVALENT_KEY", "cqt_" + _rand(f.B62, 28), "COVALENT_API_KEY={}"),
    ("NTFY_TOKEN", "tk_" + _rand(f.LOWER36, 29), "Authorization: Bearer {}"),
    ("RANCHER_TOKEN", f"token-{_rand(f.LOWER36, 5)}:{_rand(f.LOWER36, 54)}", "CATTLE_TOKEN={}"),
    ("PORTAINER_TOKEN", "ptr_" + _rand(B64, 43) + "=", "X-API-Key: {}"),
    ("MAKE_WEBHOOK", "https://hook.eu1.make.com/" + _rand(f.LOWER36, 32), "POST {}"),
    ("ASAAS_API_KEY", "$aact_prod_" + _rand(B64, 100) + "==", "access_token: '{}'"),
    ("DEVCYCLE_SERVER_KEY", f"dvc_server_{_uuid()}_{_rand(f.HEX, 7)}", "DEVCYCLE_SERVER_SDK_KEY={}"),
    ("WAKATIME_KEY", "waka_" + _uuid(), "api_key = {}"),
    ("UNKEY_ROOT_KEY", "unkey_" + _rand(f.B62, 24), "UNKEY_ROOT_KEY={}"),
    ("LICHESS_TOKEN", "lip_" + _rand(f.B62, 20), "Authorization: Bearer {}"),
    ("IONIC_TOKEN", "ion_" + _rand(f.B62, 42), "IONIC_TOKEN={}"),
    ("AWS_APPSYNC_KEY", "da2-" + _rand(f.LOWER36, 26), '"aws_appsync_apiKey": "{}"'),
    ("AMAZON_LWA_SECRET", "amzn1.oa2-cs.v1." + _rand(f.HEX, 64), "LWA_CLIENT_SECRET={}"),
    ("AMAZON_LWA_TOKEN", "Atzr|" + _rand(f.B64URL, 300), "refresh_token={}"),
    ("EBAY_CERT_ID", "PRD-" + _rand(f.HEX, 12) + "".join("-" + _rand(f.HEX, 4) for _ in range(4)), "EBAY_CERT_ID={}"),
    ("ROBLOX_COOKIE", "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-"
     "your-ROBUX-and-items.|_" + _rand("0123456789ABCDEF", 400), ".ROBLOSECURITY={}"),
]

BREADTH_URLS = [
    ("INFURA_KEY", (k1 := _rand(f.HEX, 32)), f"https://mainnet.infura.io/v3/{k1}"),
    ("ALCHEMY_KEY", (k2 := _rand(f.B64URL, 32)), f"https://eth-mainnet.g.alchemy.com/v2/{k2}"),
    ("QUICKNODE_TOKEN", (k3 := _rand(f.HEX, 40)), f"https://old-red-lake.quiknode.pro/{k3}/"),
    ("FEISHU_WEBHOOK", (k4 := _uuid()), f"https://open.feishu.cn/open-apis/bot/v2/hook/{k4}"),
    ("DINGTALK_WEBHOOK", (k5 := _rand(f.HEX, 64)), f"https://oapi.dingtalk.com/robot/send?access_token={k5}"),
    ("WECOM_WEBHOOK", (k6 := _uuid()), f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={k6}"),
]

BREADTH_NAMED = [
    ("EXOSCALE_API_SECRET", "EXOSCALE_API_SECRET={}", _rand(f.B64URL, 43)),
    ("AKAMAI_CLIENT_SECRET", "akamai client_secret = {}", _rand(B64, 43) + "="),
    ("BACKBLAZE_KEY", "BACKBLAZE_APPLICATION_KEY={}", "K005" + _rand(B64, 27)),
    ("VOYAGE_API_KEY", "VOYAGE_API_KEY={}", "pa-" + _rand(f.B64URL, 43)),
    ("CHARGEBEE_KEY", "CHARGEBEE_API_KEY={}", "live_" + _rand(f.B62, 32)),
    ("LOGZIO_TOKEN", "LOGZIO_TOKEN={}", _rand("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 32)),
    ("OANDA_TOKEN", "OANDA_API_TOKEN={}", _rand(f.HEX, 32) + "-" + _rand(f.HEX, 32)),
    ("NGROK_TOKEN", "ngrok config add-authtoken {}", "2" + _rand(f.B62, 26) + "_" + _rand(f.B62, 21)),
    ("GITEA_TOKEN", "GITEA_TOKEN={}", _rand(f.HEX, 40)),
    ("OVH_SECRET", "OVH_APPLICATION_SECRET={}", _rand(f.B62, 32)),
    ("BITFINEX_KEY", "BITFINEX_API_SECRET={}", _rand(f.B62, 43)),
    ("WISE_TOKEN", "transferwise token: {}", _uuid()),
    ("LINE_TOKEN", "LINE_CHANNEL_ACCESS_TOKEN={}", _rand(B64, 171) + "="),
    ("CRONITOR_KEY", "CRONITOR_API_KEY={}", _rand(f.HEX, 32)),
    ("FAUNA_SECRET", "FAUNA_SECRET={}", "fnA" + _rand(f.B64URL, 37)),
    ("PACKAGECLOUD_TOKEN", "PACKAGECLOUD_TOKEN={}", _rand(f.HEX, 48)),
    ("HCAPTCHA_SECRET", "HCAPTCHA_SECRET={}", "0x" + _rand(f.HEX, 40)),
    ("RECAPTCHA_SECRET", "RECAPTCHA_SECRET_KEY={}", "6L" + _rand(f.B64URL, 38)),
    ("BRAZE_KEY", "BRAZE_REST_API_KEY={}", _uuid()),
    ("ARR_API_KEY", "RADARR_API_KEY={}", _rand(f.HEX, 32)),
    ("DWOLLA_KEY", "DWOLLA_SECRET={}", _rand(f.B62, 50)),
    ("REDDIT_SECRET", "REDDIT_CLIENT_SECRET={}", "a1" + _rand(f.B64URL, 25)),
    ("IMGUR_SECRET", "IMGUR_CLIENT_SECRET={}", _rand(f.HEX, 40)),
    ("MEZMO_KEY", "LOGDNA_INGESTION_KEY={}", _rand(f.HEX, 32)),
]


@pytest.mark.parametrize(("kind", "secret", "line"), BREADTH, ids=[c[0] + "-" + c[1][:6] for c in BREADTH])
def test_it_finds_each_newly_documented_format(kind, secret, line):
    test_it_finds_each_documented_format(kind, secret, line)


@pytest.mark.parametrize(("kind", "secret", "text"), BREADTH_URLS, ids=[c[0] for c in BREADTH_URLS])
def test_the_key_in_a_node_endpoint_url_is_reported(kind, secret, text):
    test_the_credential_part_of_a_secret_url_is_reported(kind, secret, text)


@pytest.mark.parametrize(("kind", "line", "value"), BREADTH_NAMED, ids=[n[0] for n in BREADTH_NAMED])
def test_a_newly_named_provider_types_a_value_of_its_documented_shape(kind, line, value):
    test_a_provider_name_types_a_bare_value_of_its_documented_shape(kind, line, value)


@pytest.mark.parametrize("near", [
    "e2b_" + _rand(f.HEX, 39),  # exact formats one character short
    "apify_api_" + _rand(f.B62, 35),
])
def test_an_exact_format_one_character_off_is_a_near_miss(near):
    assert detect_secrets(f"token: {near}") == []


@pytest.mark.parametrize("public", [
    "pk-lf-" + _uuid(),  # Langfuse project key
    "xnd_public_development_" + _rand(f.B62, 60),  # Xendit card tokenisation key
    "SB-Mid-client-" + _rand(f.B64URL, 16),  # Midtrans client key
    "APP_USR-" + _uuid(),  # Mercado Pago public key
    "public_" + _rand(B64, 27) + "=",  # ImageKit public key
    "mdb_sa_id_" + _rand(f.HEX, 24),  # MongoDB Atlas client id
    "pk_test_" + _uuid(),  # Checkout.com public key (legacy format)
    f"dvc_client_{_uuid()}_{_rand(f.HEX, 7)}",  # DevCycle client SDK key
])
def test_documented_public_keys_and_ids_are_not_reported(public):
    assert detect_secrets(f"config: {public}") == []


def test_structure_checks_of_the_new_formats():
    # Tinybird: p. + base64url JSON naming its user; random base64url after p.eyJ is not one
    assert [x for x in detect_secrets("TB_TOKEN=p.eyJ" + _rand(f.B64URL, 60) + "." + _rand(f.B64URL, 43))
            if x.type == "TINYBIRD_TOKEN"] == []
    # ClickHouse secrets are base62: a hex digest opening with the same four characters is not one
    assert [x for x in detect_secrets("4b1d" + _rand(f.HEX, 38)) if x.type == "CLICKHOUSE_SECRET"] == []
    # Flagsmith's ser. + 22 must be a random body, not an attribute name of the same length
    assert detect_secrets("data = ser.serializeAllTheRecords") == []
    # the EdgeGrid API host shares the tokens' head but is not a credential
    host = f"akab-{_rand(f.LOWER36, 26)}-{_rand(f.LOWER36, 8)}.luna.akamaiapis.net"
    assert [x for x in detect_secrets(f"host = {host}") if x.type == "AKAMAI_EDGEGRID_TOKEN"] == []
    # an Azure signature at another place in the key is not that service's key
    shifted = _rand(B64, 70) + "ACDb" + _rand(B64, 12) + "=="
    assert [x for x in detect_secrets(f"key: {shifted}") if x.type == "AZURE_COSMOSDB_KEY"] == []


def test_a_provider_name_does_not_type_a_name_of_the_documented_length():
    # the documented alphabet is alphanumeric, so a real key of that length holds a digit
    name = "learn_python_the_hard_way_ok"  # 28 characters of the secret's alphabet, no digit
    assert [x for x in detect_secrets(f"see the reddit thread {name}") if x.detail.get("detector") == "anchored"] == []


def test_a_value_handed_to_an_api_client_is_a_secret_assignment():
    value = _uuid()
    (found,) = detect_secrets(f'const client = new AcmeAPI("{value}");')
    assert (found.type, found.start) == ("GENERIC_SECRET", len('const client = new AcmeAPI("'))
    assert detect_secrets(f'API_URL = "https://api.acme.dev/v1/{_rand(f.LOWER36, 8)}"') == []
    # "api" further back names what follows it (an association id, a URL, a version), not a secret
    assert detect_secrets(f'"AWS::AppSync::DomainNameApiAssociation": "{_rand(f.HEX, 16)}",') == []


@pytest.mark.parametrize("line", [
    "API_KEY=secret-RTvetw0tESulEETldq8b8Vw2",
    'token = "secret-JSTxp4gnstZrZNe58keOAXloPeKKO1O4IUAAoBEH"',
    "API_KEY=TEST-GVaiOfyh7yGnkuWHzJJwUMzxH1dTthedFEuntx1ag883ItQU",
    'token = "private_D5KByzkebewsNOrhihEJisovFwUov5Si"',
    "API_KEY=private_IXpCh12RcMYgOugrH353RSoRFirbKfxC",
])
def test_an_ordinary_word_heading_a_value_does_not_make_it_a_providers_near_miss(line):
    # Statsig keys start "secret-", ImageKit's "private_", Mercado Pago's test tokens "TEST-": a
    # value of another shape after such a word is not theirs, and may be anybody's secret.
    assert detect_secrets(line), line
