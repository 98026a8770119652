"""Clerk test doubles built from the real libraries: an RSA key whose JWKS is served by
a local HTTP server thread (PyJWT fetches it over HTTP), and Svix signing."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rest_framework.test import APIClient
from svix.webhooks import Webhook

from accounts.models import Membership, Tenant, User
from tests.fixtures.accounts import MembershipFactory, UserFactory

ISSUER = "https://clerk.example.test"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"accounts-test-webhook-secret-32b").decode()


@dataclass
class ClerkIdP:
    """Mints Clerk-shaped session tokens signed by a key the JWKS server publishes."""

    jwks_url: str
    private_key: Any
    kid: str
    requests: list[str] = field(default_factory=list)

    def token(self, *, sub: str, org_id: str | None = None, v2: bool = False, key: Any = None,
              kid: str | None = None, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"sub": sub, "iss": ISSUER, "iat": now - 5, "nbf": now - 5, "exp": now + 60,
                                  "sid": "sess_test", "azp": "https://app.example.test"}
        if org_id and v2:
            claims.update({"v": 2, "o": {"id": org_id, "rol": "admin", "slg": "x"}})
        elif org_id:
            claims.update({"org_id": org_id, "org_role": "org:admin"})
        claims.update(overrides)
        return jwt.encode(claims, key or self.private_key, algorithm="RS256", headers={"kid": kid or self.kid})


def _jwk(public_key: Any, kid: str) -> dict[str, Any]:
    data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="session")
def clerk_idp() -> Iterator[ClerkIdP]:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = "ins_test_key"
    body = json.dumps({"keys": [_jwk(private_key.public_key(), kid)]}).encode()
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ClerkIdP(f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json", private_key, kid, seen)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clerk_settings(settings, clerk_idp: ClerkIdP) -> ClerkIdP:  # type: ignore[no-untyped-def]
    settings.CLERK_JWKS_URL = clerk_idp.jwks_url
    settings.CLERK_ISSUER = ISSUER
    settings.CLERK_AUTHORIZED_PARTIES = ["https://app.example.test"]
    return clerk_idp


def clerk_client(idp: ClerkIdP, user: User, tenant: Tenant | None) -> APIClient:
    client = APIClient()
    token = idp.token(sub=user.clerk_user_id or "", org_id=tenant.clerk_org_id if tenant else None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@dataclass
class TenantAdmin:
    user: User
    tenant: Tenant
    client: APIClient


def _tenant_admin(idp: ClerkIdP, tenant: Tenant, role: str = Membership.Role.ADMIN) -> TenantAdmin:
    tenant.clerk_org_id = f"org_{tenant.slug}"
    tenant.save(update_fields=["clerk_org_id"])
    user = UserFactory()
    MembershipFactory(user=user, tenant=tenant, role=role)
    return TenantAdmin(user, tenant, clerk_client(idp, user, tenant))


@pytest.fixture
def admin_a(clerk_settings: ClerkIdP, tenant: Tenant) -> TenantAdmin:
    return _tenant_admin(clerk_settings, tenant)


@pytest.fixture
def admin_b(clerk_settings: ClerkIdP, other_tenant: Tenant) -> TenantAdmin:
    return _tenant_admin(clerk_settings, other_tenant)


@pytest.fixture
def make_tenant_admin(clerk_settings: ClerkIdP):  # type: ignore[no-untyped-def]
    return lambda tenant, role=Membership.Role.ADMIN: _tenant_admin(clerk_settings, tenant, role)


# --- Svix --------------------------------------------------------------------------------------

@dataclass
class SignedDelivery:
    body: bytes
    headers: dict[str, str]


def svix_sign(event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, msg_id: str | None = None,
              timestamp: datetime | None = None) -> SignedDelivery:
    """Sign ``event`` exactly as Clerk's Svix would, with the real library."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = timestamp or datetime.now(tz=UTC)
    body = json.dumps(event)
    signature = Webhook(secret).sign(msg_id, timestamp, body)
    return SignedDelivery(body.encode(), {
        "HTTP_SVIX_ID": msg_id,
        "HTTP_SVIX_TIMESTAMP": str(int(timestamp.timestamp())),
        "HTTP_SVIX_SIGNATURE": signature,
    })


@pytest.fixture
def webhook_secret(settings) -> str:  # type: ignore[no-untyped-def]
    settings.CLERK_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def _fresh_last_used_memo() -> None:
    """Each test starts as a fresh worker: no remembered last-used gates."""
    from accounts.services import api_keys

    api_keys._touch_quiet_until.clear()
