"""DRF authentication: tenant API keys (the gateway) and Clerk session tokens (self-service).

``APIKeyAuthentication`` sets ``request.user`` to a :class:`TenantPrincipal` and
``request.auth`` to its :class:`KeyIdentity`. ``ClerkJWTAuthentication`` sets a
:class:`~accounts.models.User` and a :class:`ClerkSession`. A Bearer token shaped like a
JWT is left to Clerk, anything else to the API-key check, so both can be listed.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts import apikeys, selectors
from accounts.models import Membership, User
from accounts.services import api_key_touch
from accounts.services.api_keys import api_key_rehash

logger = logging.getLogger(__name__)

API_KEY_HEADER = "HTTP_X_API_KEY"
MALFORMED_AUTHORIZATION = ("Malformed Authorization header: use 'Authorization: Bearer <key>' "
                           "or 'X-API-Key: <key>'.")


@dataclass(frozen=True)
class KeyIdentity:
    """The API key a request authenticated with (``request.auth``)."""

    key_id: int
    prefix: str
    name: str
    tenant_id: int
    tenant_slug: str
    scopes: tuple[str, ...]

    def allows(self, guard: str) -> bool:
        """Whether this key may call ``guard`` (no scopes = every guard)."""
        return not self.scopes or guard in self.scopes


@dataclass(frozen=True)
class TenantPrincipal:
    """``request.user`` for API-key requests: the tenant, not a person."""

    tenant_id: int
    tenant_slug: str
    key: KeyIdentity
    is_authenticated = True
    is_anonymous = False
    is_staff = False

    def __str__(self) -> str:
        return f"tenant:{self.tenant_slug} key:{self.key.prefix}"


def _bearer(request: Request) -> str | None:
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return None
    try:
        return parts[1].decode()
    except UnicodeDecodeError:
        return ""


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


def api_key_presented(request: Request) -> str | None:
    """The API key a request carries, as :class:`APIKeyAuthentication` will read it; None for
    no key, a malformed header or a session token. Never raises (authentication judges)."""
    raw = request.META.get(API_KEY_HEADER)
    if raw is None:
        raw = _bearer(request)
        if not raw or _looks_like_jwt(raw):
            return None
    return raw.strip() or None


class AuthUnavailable(exceptions.APIException):
    """Clerk's key set could not be fetched: a 503, not the caller's fault.

    (Defined here: importing ``aiguardian.api`` would import DRF's views, which import
    this module through ``DEFAULT_AUTHENTICATION_CLASSES``.)
    """

    status_code = 503
    default_code = "auth_unavailable"
    default_detail = "Sign-in verification is unavailable."


def _fail(code: str, message: str) -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(detail=message, code=code)


class APIKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer aig_…`` or ``X-API-Key: aig_…``.

    Unknown prefixes and wrong secrets give the same ``invalid_api_key`` error, and the
    secret is checked before the key's state, so a guess learns nothing about which
    prefixes exist. Warm, the lookup is one cache read and an HMAC: no database query.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[TenantPrincipal, KeyIdentity] | None:
        raw = request.META.get(API_KEY_HEADER)
        if raw is None:
            raw = _bearer(request)
            if raw is None and get_authorization_header(request).strip():
                # A bare key (or another scheme) would otherwise read as "no credentials".
                raise _fail("malformed_authorization", MALFORMED_AUTHORIZATION)
            if raw is None or _looks_like_jwt(raw):
                return None
        return self.authenticate_key(raw.strip())

    def authenticate_key(self, raw: str) -> tuple[TenantPrincipal, KeyIdentity]:
        prefix = apikeys.parse_prefix(raw)
        record = selectors.api_key_record_get(prefix=prefix) if prefix else None
        pepper_index = apikeys.match_pepper(raw, record.key_hash) if record else None
        if record is None or pepper_index is None:
            raise _fail("invalid_api_key", "Invalid API key.")
        if record.revoked:
            raise _fail("api_key_revoked", "This API key has been revoked.")
        if record.expires_at is not None and record.expires_at <= timezone.now():
            raise _fail("api_key_expired", "This API key has expired.")
        if not record.tenant_active:
            raise _fail("tenant_inactive", "The tenant of this API key is inactive.")
        if pepper_index > 0:
            api_key_rehash(key_id=record.key_id, prefix=record.prefix, raw=raw)
        api_key_touch(key_id=record.key_id)
        identity = KeyIdentity(
            key_id=record.key_id, prefix=record.prefix, name=record.name,
            tenant_id=record.tenant_id, tenant_slug=record.tenant_slug, scopes=record.scopes,
        )
        return TenantPrincipal(tenant_id=record.tenant_id, tenant_slug=record.tenant_slug, key=identity), identity

    def authenticate_header(self, request: Request) -> str:
        # A value here makes DRF answer 401 (not 403) when credentials are missing.
        return f'{self.keyword} realm="api"'


@dataclass(frozen=True)
class ClerkSession:
    """``request.auth`` for Clerk session tokens: who, in which tenant, with which role.

    ``role`` comes from our active Membership (kept in sync by webhooks), so removing
    someone in Clerk or here takes effect even while their token is still valid.
    """

    user_id: int
    clerk_user_id: str
    session_id: str | None
    tenant_id: int | None
    tenant_slug: str | None
    role: str | None

    @property
    def can_manage_tenant(self) -> bool:
        return self.tenant_id is not None and self.role in Membership.MANAGING_ROLES


@functools.lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # One client per process and URL: it caches the key set and the keys by kid.
    return jwt.PyJWKClient(
        url, cache_jwk_set=True, lifespan=settings.CLERK_JWKS_CACHE_SECONDS,
        cache_keys=True, timeout=settings.CLERK_JWKS_TIMEOUT,
    )


def _active_org(claims: dict[str, Any]) -> str | None:
    """The active organisation: ``org_id`` (Clerk v1 tokens) or ``o.id`` (v2)."""
    org = claims.get("o")
    return claims.get("org_id") or (org.get("id") if isinstance(org, dict) else None)


class ClerkJWTAuthentication(BaseAuthentication):
    """Clerk session tokens (RS256) verified against the instance's JWKS."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ClerkSession] | None:
        token = _bearer(request)
        if not settings.CLERK_JWKS_URL or not token or not _looks_like_jwt(token):
            return None
        claims = self.verify(token)
        user = selectors.user_get_by_clerk_id(clerk_user_id=claims["sub"])
        if user is None:
            raise _fail("unknown_user", "This user is not known here yet.")
        if not user.is_active:
            raise _fail("user_inactive", "This user is deactivated.")
        tenant_id = tenant_slug = role = None
        org_id = _active_org(claims)
        tenant = selectors.tenant_get_by_clerk_id(clerk_org_id=org_id) if org_id else None
        if tenant is not None:
            if not tenant.is_active:
                raise _fail("tenant_inactive", "This organisation is inactive.")
            membership = selectors.membership_get(user_id=user.pk, tenant_id=tenant.pk)
            tenant_id, tenant_slug = tenant.pk, tenant.slug
            role = membership.role if membership is not None and membership.is_active else None
        return user, ClerkSession(
            user_id=user.pk, clerk_user_id=claims["sub"], session_id=claims.get("sid"),
            tenant_id=tenant_id, tenant_slug=tenant_slug, role=role,
        )

    def verify(self, token: str) -> dict[str, Any]:
        try:
            signing_key = _jwks_client(settings.CLERK_JWKS_URL).get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            logger.warning("clerk jwks unreachable: %s", exc)
            raise AuthUnavailable() from exc
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
            raise _fail("invalid_token", "Invalid session token.") from exc
        require = ["exp", "iat", "sub"] + (["iss"] if settings.CLERK_ISSUER else [])
        try:
            claims = jwt.decode(
                token, signing_key.key, algorithms=["RS256"], issuer=settings.CLERK_ISSUER or None,
                leeway=settings.CLERK_JWT_LEEWAY, options={"require": require},
            )
        except jwt.ExpiredSignatureError as exc:
            raise _fail("token_expired", "The session token has expired.") from exc
        except jwt.InvalidTokenError as exc:
            raise _fail("invalid_token", "Invalid session token.") from exc
        parties = settings.CLERK_AUTHORIZED_PARTIES
        # Clerk's own SDKs check azp only when the token carries one.
        if parties and claims.get("azp") and claims["azp"] not in parties:
            raise _fail("invalid_token", "Session token issued for another origin.")
        return claims

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
