"""API keys: issue (the raw key leaves here once), update, revoke, last-used tracking."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from accounts import apikeys
from accounts.models import APIKey, Tenant, User

logger = logging.getLogger(__name__)

_SCOPE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
MAX_SCOPES = 32

# The names a key may be scoped to. Accounts does not know the guard catalogue (it imports
# nothing from guards); the guards app registers its names here when it starts.
_scope_names: frozenset[str] = frozenset()


def api_key_scope_names_register(names: Iterable[str]) -> None:
    """Declare the valid scope names (called once from ``GuardsConfig.ready``)."""
    global _scope_names
    _scope_names = frozenset(names)


class _Unset:
    """Marks an argument that was not given (``None`` is a meaningful value)."""


UNSET = _Unset()


def api_key_scopes_clean(scopes: Iterable[str]) -> list[str]:
    """Validated, de-duplicated, sorted guard names (empty = every guard).

    A key scoped only to names that are not guards could call nothing, so unknown names
    are refused (against the names the guards app registered; the shape alone before).
    """
    cleaned = sorted({s.strip().lower() for s in scopes if s and s.strip()})
    bad = [s for s in cleaned if not _SCOPE_RE.match(s) or (_scope_names and s not in _scope_names)]
    if bad:
        known = f"; choose from: {', '.join(sorted(_scope_names))}" if _scope_names else ""
        raise ValidationError({"scopes": f"not a guard name: {', '.join(bad)}{known}"})
    if len(cleaned) > MAX_SCOPES:
        raise ValidationError({"scopes": f"at most {MAX_SCOPES} scopes"})
    return cleaned


def api_key_cache_invalidate(*, prefixes: Iterable[str]) -> None:
    """Drop cached key records now and again after commit.

    The second delete closes the window where a request reads the old row between
    the first delete and the commit and caches it again.
    """
    names = [apikeys.cache_key(p) for p in prefixes]
    if not names:
        return

    def delete() -> None:
        try:
            cache.delete_many(names)
        except Exception:  # the TTL bounds staleness if Redis is down
            logger.warning("could not invalidate %d cached api keys", len(names), exc_info=True)

    delete()
    transaction.on_commit(delete)


def api_key_issue(
    *,
    tenant: Tenant,
    name: str,
    scopes: Iterable[str] = (),
    expires_at: datetime | None = None,
    created_by: User | None = None,
) -> tuple[APIKey, str]:
    """Create a key and return it with the raw secret: the only time the secret exists.

    Only the HMAC of the key is stored.
    """
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "must be in the future"})
    clean_scopes = api_key_scopes_clean(scopes)
    for _ in range(5):  # 48-bit prefixes: a collision is astronomically rare, but cheap to retry
        generated = apikeys.generate()
        key = APIKey(
            tenant=tenant, name=name.strip(), prefix=generated.prefix, key_hash=apikeys.hash_key(generated.raw),
            scopes=clean_scopes, expires_at=expires_at, created_by=created_by,
        )
        key.full_clean(exclude=["prefix", "key_hash"])
        try:
            with transaction.atomic():
                key.save()
        except IntegrityError:
            continue
        # (the post_save receiver drops a cached "missing" for this prefix)
        return key, generated.raw
    raise RuntimeError("could not allocate a unique API key prefix")


def api_key_update(
    *, key: APIKey, name: str | None = None, scopes: Iterable[str] | None = None,
    expires_at: datetime | _Unset | None = UNSET,
) -> APIKey:
    """Change a key's name, scopes or expiry (``expires_at=None`` clears it)."""
    fields = []
    if name is not None:
        key.name = name.strip()
        fields.append("name")
    if scopes is not None:
        key.scopes = api_key_scopes_clean(scopes)
        fields.append("scopes")
    if not isinstance(expires_at, _Unset):
        key.expires_at = expires_at
        fields.append("expires_at")
    if fields:
        key.full_clean(exclude=["prefix", "key_hash"])
        key.save(update_fields=fields)  # the post_save receiver drops the cached record
    return key


def api_key_revoke(*, key: APIKey) -> APIKey:
    """Revoke at once (idempotent: the first revocation time is kept)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])  # the post_save receiver drops the cached record
    return key


def api_key_rehash(*, key_id: int, prefix: str, raw: str) -> None:
    """Store the hash under the current pepper after a match with an older one (next time if the database fails)."""
    try:
        APIKey.objects.filter(pk=key_id).update(key_hash=apikeys.hash_key(raw))
    except DatabaseError:
        logger.warning("could not rehash api key %s: database unavailable", prefix)
        return
    api_key_cache_invalidate(prefixes=[prefix])


# key id -> wall-clock time before which this process need not ask the shared gate again.
_touch_quiet_until: dict[int, float] = {}
_TOUCH_MEMO_MAX = 10_000
_clock = time.time  # tests move it


def api_key_touch(*, key_id: int) -> bool:
    """Record use at most once per interval per key; ``True`` when it wrote.

    The shared gate is a cache key holding the time it expires: ``cache.add`` is
    atomic in Redis, so across all workers only one request per interval reaches the
    database. Each process remembers when the gate it last saw expires and does not
    ask again before then, so a warm request makes no round trip for this (a process
    that lost the race asks once more, for the expiry). ``last_used_at`` therefore
    lags the last use by at most about one interval, as with the gate alone.
    """
    now = _clock()
    if now < _touch_quiet_until.get(key_id, 0.0):
        return False
    interval = settings.API_KEY_LAST_USED_INTERVAL
    gate = apikeys.last_used_gate_key(key_id)
    try:
        first = cache.add(gate, now + interval, interval)
        expires = now + interval if first else cache.get(gate)
    except Exception:  # noqa: BLE001 - without the gate, skip rather than write every time
        return False
    if len(_touch_quiet_until) >= _TOUCH_MEMO_MAX:
        _touch_quiet_until.clear()  # many keys in one process: start over rather than grow
    if isinstance(expires, float):  # another host's clock running ahead cannot keep this one quiet longer
        _touch_quiet_until[key_id] = min(expires, now + interval)
    elif expires is None:  # the gate expired between the add and the read: ask again next time
        _touch_quiet_until[key_id] = 0.0
    else:  # a gate set before it held its expiry (an older release): at most one interval old
        _touch_quiet_until[key_id] = now + interval
    if first:
        try:
            APIKey.objects.filter(pk=key_id).update(last_used_at=timezone.now())
        except DatabaseError:  # bookkeeping: never fail the request for it
            logger.warning("could not record the use of api key %s: database unavailable", key_id)
            return False
    return bool(first)
