"""Reads: tenants, memberships, API keys, and the cached key lookup used on every request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from accounts import apikeys
from accounts.apikeys import KeyRecord
from accounts.models import APIKey, Membership, Tenant, User
from aiguardian.readahead import NOT_READ, DecodedMemo, cache_key_name, readahead_get

logger = logging.getLogger(__name__)

# Cached for unknown prefixes too, so guessing keys cannot hammer the database.
_MISSING = "missing"


def tenant_get(*, slug: str | None = None, pk: int | None = None) -> Tenant | None:
    """A tenant by slug or primary key."""
    if (slug is None) == (pk is None):
        raise TypeError("give exactly one of slug or pk")
    return Tenant.objects.filter(**({"slug": slug} if slug is not None else {"pk": pk})).first()


def tenant_get_by_clerk_id(*, clerk_org_id: str) -> Tenant | None:
    return Tenant.objects.filter(clerk_org_id=clerk_org_id).first()


def user_get_by_clerk_id(*, clerk_user_id: str) -> User | None:
    return User.objects.filter(clerk_user_id=clerk_user_id).first()


def membership_get(*, user_id: int, tenant_id: int) -> Membership | None:
    return Membership.objects.filter(user_id=user_id, tenant_id=tenant_id).first()


def api_key_list(*, tenant_id: int) -> QuerySet[APIKey]:
    """A tenant's keys, newest first (revoked ones included: they show in audits)."""
    return APIKey.objects.filter(tenant_id=tenant_id).select_related("created_by").order_by("-created_at", "-pk")


def api_key_get(*, prefix: str, tenant_id: int | None = None) -> APIKey | None:
    """A key by prefix, restricted to one tenant when ``tenant_id`` is given."""
    qs = APIKey.objects.select_related("tenant").filter(prefix=prefix)
    if tenant_id is not None:
        qs = qs.filter(tenant_id=tenant_id)
    return qs.first()


def api_key_record_cache_name(prefix: str) -> str:
    """The Redis key the cached record of ``prefix`` lives under (for a read ahead)."""
    return cache_key_name(apikeys.cache_key(prefix))


# Unpickled once per worker per distinct cached value: a revocation or any other write
# deletes the Redis entry, so the next read gets other bytes (or none) and decodes afresh.
_decoded = DecodedMemo(lambda raw: cache.client.decode(raw))


def api_key_record_decode(raw: bytes) -> KeyRecord | str:
    """A cached key record's bytes decoded (a :class:`KeyRecord`, or the "missing" marker)."""
    return _decoded.get(raw)  # type: ignore[no-any-return]


def api_key_record_get(*, prefix: str) -> KeyRecord | None:
    """The key record for ``prefix``: from the cache when warm, else one database query.

    A value the request read ahead (``aiguardian.readahead``) stands for the cache read.
    A cache outage falls back to the database rather than failing authentication.
    """
    name = apikeys.cache_key(prefix)
    raw = readahead_get(api_key_record_cache_name(prefix))
    if raw is not NOT_READ:
        cached = _decoded.get(raw) if raw is not None else None
    else:
        try:
            cached = cache.get(name)
        except Exception:  # Redis down: authenticate from the database
            logger.warning("api key cache unavailable; reading the database", exc_info=True)
            cached, name = None, None
    if cached == _MISSING:
        return None
    if isinstance(cached, KeyRecord):
        return cached
    key = APIKey.objects.select_related("tenant").filter(prefix=prefix).first()
    record = KeyRecord.from_model(key) if key is not None else None
    if name is not None:
        ttl = settings.API_KEY_CACHE_TTL if record else settings.API_KEY_NEGATIVE_CACHE_TTL
        try:
            cache.set(name, record or _MISSING, ttl)
        except Exception:
            logger.warning("api key cache unavailable; not caching", exc_info=True)
    return record
