"""Databases-as-a-service, data platforms and observability back ends.

Formats from the providers' documentation: MongoDB Atlas service accounts (``mdb_sa_id_`` + 24
hex is the client id, ``mdb_sa_sk_`` the secret); ClickHouse Cloud key secrets ``4b1d`` + 38
base62; Xata ``xau_``; Tinybird ``p.`` + base64url JSON naming the user ``u`` + ``.`` +
signature; Upstash QStash tokens are base64 JSON naming ``UserID`` and ``Password``; Aiven service
passwords ``AVNS_``; Appwrite API keys ``standard_`` + 256 hex; Axiom API tokens ``xaat-`` and
personal tokens ``xapt-`` + a UUID; Coralogix send-your-data keys ``cxtp_`` + 30. Meilisearch,
Typesense, Logz.io, Better Stack, Raygun, Airbrake and Upstash Redis keys carry no prefix: their
names type them.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.checks import dotted_json_ok, json_token_ok
from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _not_hex(value: str) -> bool:
    """A base62 secret, not a hex digest that happens to open with the same four characters."""
    return any(c not in "0123456789abcdef" for c in value)


RULES = (
    prefixed("MONGODB_ATLAS_SECRET", "MongoDB Atlas service account secret", "saas",
             r"mdb_sa_sk_[A-Za-z0-9_\-]{30,80}", "mdb_sa_sk_"),
    prefixed("MONGODB_ATLAS_CLIENT_ID", "MongoDB Atlas service account client id", "saas", r"mdb_sa_id_[a-f0-9]{24}",
             "mdb_sa_id_", severity="info", report=False),
    prefixed("CLICKHOUSE_SECRET", "ClickHouse Cloud API key secret", "saas", r"4b1d[A-Za-z0-9]{38}", "4b1d",
             validator=_not_hex, strict=True),
    prefixed("XATA_API_KEY", "Xata API key", "saas", r"xau_[A-Za-z0-9]{32,64}", "xau_"),
    prefixed("TINYBIRD_TOKEN", "Tinybird token", "saas", r"p\.eyJ[A-Za-z0-9_\-]{20,400}\.[A-Za-z0-9_\-]{20,100}",
             "p.eyJ", validator=dotted_json_ok(1, "u"), strict=True),
    prefixed("UPSTASH_QSTASH_TOKEN", "Upstash QStash token", "saas", r"eyJVc2VySUQiOi[A-Za-z0-9+/]{20,300}={0,2}",
             "eyJVc2VySUQiOi", validator=json_token_ok("UserID", "Password"), strict=True),
    prefixed("AIVEN_PASSWORD", "Aiven service password", "saas", r"AVNS_[A-Za-z0-9_\-]{19,40}", "AVNS_"),
    prefixed("APPWRITE_API_KEY", "Appwrite API key", "saas", r"standard_[a-f0-9]{256}", "standard_"),
    prefixed("AXIOM_TOKEN", "Axiom API or personal token", "saas", rf"xa[ap]t-{_UUID}", "xaat-", "xapt-"),
    prefixed("CORALOGIX_KEY", "Coralogix send-your-data API key", "saas", r"cxtp_[A-Za-z0-9]{30}", "cxtp_"),
    # CockroachDB Cloud service-account API keys: CCDB1_ + id + "_" + secret
    prefixed("COCKROACHDB_KEY", "CockroachDB Cloud API key", "saas", r"CCDB1_[A-Za-z0-9_]{40,80}", "CCDB1_"),
    # UptimeRobot API keys: u (account), ur (read-only), m (monitor) + digits + "-" + 24 hex
    # (only "-" is literal: the boundary is checked after the first letter, so the engine skips to u or m)
    prefixed("UPTIMEROBOT_KEY", "UptimeRobot API key", "saas",
             r"[um](?<![A-Za-z0-9_\-][um])r?\d{5,9}-[a-f0-9]{24}(?![A-Za-z0-9_\-])", "-", severity="high",
             bounded=False),
)

ANCHORED = (
    anchored("MEILISEARCH_KEY", "Meilisearch API key", "saas", "meili meilisearch", r"[A-Za-z0-9_\-]{32,64}"),
    anchored("TYPESENSE_KEY", "Typesense API key", "saas", "typesense", r"[A-Za-z0-9]{32}"),
    anchored("LOGZIO_TOKEN", "Logz.io token", "saas", "logz logzio", r"[A-Za-z]{32}"),
    anchored("BETTERSTACK_TOKEN", "Better Stack (Logtail) token", "saas", "betterstack better_stack logtail",
             r"[A-Za-z0-9]{24}"),
    anchored("RAYGUN_KEY", "Raygun API key", "saas", "raygun", r"[A-Za-z0-9]{20,24}"),
    anchored("AIRBRAKE_KEY", "Airbrake project key", "saas", "airbrake", r"[a-f0-9]{32}"),
    anchored("UPSTASH_TOKEN", "Upstash REST token", "saas", "upstash", r"[A-Za-z0-9_\-=]{40,100}"),
    anchored("CRONITOR_KEY", "Cronitor API key", "saas", "cronitor", r"[a-f0-9]{32}"),
    anchored("FAUNA_SECRET", "Fauna secret", "saas", "fauna faunadb", r"fn[A-Za-z0-9_\-]{38}", severity="critical"),
    anchored("MEZMO_KEY", "Mezmo (LogDNA) ingestion key", "saas", "logdna mezmo", r"[a-f0-9]{32}"),
    anchored("HONEYCOMB_KEY", "Honeycomb API key (legacy)", "saas", "honeycomb", r"[a-f0-9]{32}|[A-Za-z0-9]{22}"),
)
