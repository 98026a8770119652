"""One Redis round trip for everything a guard request reads before the guard runs.

Authentication (the cached key record), the plan throttles (count the request in the
tenant's minute window, read the month total and the plan limits) and config resolution
(the tenant's config version and cached configs) would each make their own round trip.
:func:`gateway_read_ahead` makes one script call for all of them; each step then finds
its value in ``aiguardian.readahead`` and skips its own call (and, for the key record and
configs, the unpickling: decoded copies are kept per worker by the exact bytes).

The window is counted *before* authentication, so the script counts only for a raw key
this worker has already authenticated, and only while the cached key record is byte for
byte the one it authenticated with (``redis.sha1hex``): a revoked, changed or evicted key
record (any write deletes it), an expired key or a key this worker has not seen yet is
not counted ahead: the request is counted by the throttle after authentication, as
before, at the cost of a second round trip. A guessed secret for a known prefix is never
counted (the memo is keyed by a digest of the whole raw key). Redis down: nothing is read
ahead and every step takes its own fallback.

Metering rides along: with the window, the script counts one unit in the tenant's month
counter (when the counter exists; an absent one is re-seeded from PostgreSQL by the
throttle first) and hands back the total from before it. The first answered, billable
call of the request takes that unit instead of its own round trip; a request that ends
without one (refused, invalid, a guard failure, a skipped guard) gives it back with one
DECRBY at the end. While a request runs its unit is therefore already in the total that
concurrent requests' quota checks read: the quota is enforced on admitted requests, not
only on finished ones. A worker killed mid-request leaves the counter one high until it is
re-seeded (stricter, never looser); the billable units themselves are the audit rows'.
So a warm guard request makes one Redis round trip.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from hiredis import pack_command
from redis.exceptions import NoScriptError
from rest_framework.request import Request

from accounts import apikeys
from accounts.apikeys import KeyRecord
from accounts.authentication import KeyIdentity, api_key_presented
from accounts.selectors import api_key_record_cache_name, api_key_record_decode
from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from billing.services.admission import RATE_KEY_TTL, admission_keys
from billing.services.usage import MONTH_KEY_TTL, month_reservation_name, usage_quota_release
from guards.services.config import config_cache_names

# KEYS: key record, rate window, month total, plan limits, config version, configs.
# ARGV: sha1 of the key record this worker authenticated the raw key with (or ""), window TTL,
# month counter TTL. The month total is returned as it was before this request's reserved unit.
_SCRIPT = """
local record = redis.call('GET', KEYS[1])
local month = redis.call('GET', KEYS[3])
local count = false
if record and ARGV[1] ~= '' and redis.sha1hex(record) == ARGV[1] then
  count = redis.call('INCR', KEYS[2])
  if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
  if month then
    redis.call('INCRBY', KEYS[3], 1)
    redis.call('EXPIRE', KEYS[3], ARGV[3])
  end
end
return {record, count, month, redis.call('GET', KEYS[4]), redis.call('GET', KEYS[5]), redis.call('GET', KEYS[6])}
"""
_scripts: dict[int, Any] = {}
_MEMO_MAX = 10_000


@dataclass(frozen=True, slots=True)
class _Authenticated:
    """A raw key this worker authenticated: its tenant and the cached record's bytes (sha1)."""

    tenant_id: int
    record_sha1: str
    expires_at: datetime | None


_known: dict[bytes, _Authenticated] = {}
_lock = threading.Lock()


@dataclass(slots=True)
class ReadAhead:
    """What one request read ahead: Redis key name -> raw value (None: absent)."""

    values: dict[str, Any]
    digest: bytes
    record_name: str
    counted: bool
    reserved_month_key: str | None = None  # a unit counted ahead in this month counter


def _script(client: Any) -> Any:
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_SCRIPT)
    return script


class _Line(threading.local):
    """This thread's own connection for the read-ahead script, made by the client's pool."""

    client: Any = None
    connection: Any = None
    pid: int = 0


_line = _Line()


def _run_script(client: Any, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA of the read-ahead script on this thread's own connection.

    The one command every guard request sends skips redis-py's per-command machinery
    (pool checkout and release with their observability counters, the retry wrapper,
    the command name lookups: ~2,000 of a request's ~20,000 opcodes). The connection
    comes from the client's pool (``make_connection``), so it is the pool's fail-fast
    class: it refuses at once while Redis is marked down and trips the outage on a
    connection error, as every other command does. Any error or interruption (a
    deadline delivered mid-read) disconnects it, so no half-read answer is left for the
    next request; NOSCRIPT (Redis restarted or flushed) goes through redis-py's script
    call, which loads the script and runs it.
    """
    line = _line
    connection = line.connection
    if connection is None or line.client is not client or line.pid != os.getpid():
        if connection is not None and line.pid == os.getpid():
            connection.disconnect()  # another Redis (changed settings): let go of the old one
        connection = line.connection = client.connection_pool.make_connection()
        line.client, line.pid = client, os.getpid()
    script = _script(client)
    if connection._sock is not None:
        # What the pool checks at checkout: a connection the server closed meanwhile (a Redis
        # restart, an idle timeout, CLIENT KILL) reads as readable. Reconnect before sending
        # rather than fail the request and mark Redis down.
        try:
            stale = connection.can_read()
        except REDIS_ERRORS:
            stale = True
        if stale:
            connection.disconnect()
    try:
        connection.send_packed_command([pack_command(("EVALSHA", script.sha, len(keys), *keys, *args))])
        return connection.read_response()
    except NoScriptError:
        return script(keys=keys, args=args, client=client)
    except BaseException:
        connection.disconnect()
        raise


def gateway_read_ahead(request: Request) -> ReadAhead | None:
    """Read (and count) ahead for this request; None when there is nothing to read ahead."""
    raw = api_key_presented(request)
    prefix = apikeys.parse_prefix(raw) if raw else None
    client = redis_client() if prefix else None
    if client is None or raw is None or prefix is None:
        return None
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).digest()
    record_name = api_key_record_cache_name(prefix)
    known = _known.get(digest)
    try:
        if known is None:  # not authenticated here yet: the record alone (as authentication would read it)
            return ReadAhead({record_name: client.get(record_name)}, digest, record_name, counted=False)
        usable = known.expires_at is None or known.expires_at > timezone.now()
        rate, month, limits = admission_keys(tenant_id=known.tenant_id, clock=time.time())
        version, configs = config_cache_names(tenant_id=known.tenant_id)
        record, count, *rest = _run_script(
            client, [record_name, rate, month, limits, version, configs],
            [known.record_sha1 if usable else "", RATE_KEY_TTL, MONTH_KEY_TTL],
        )
    except REDIS_ERRORS:
        return None
    values = {record_name: record, month: rest[0], limits: rest[1], version: rest[2], configs: rest[3]}
    reserved = None
    if count is not None:
        values[rate] = count
        if rest[0] is not None:  # a unit reserved in the month counter (an absent counter is re-seeded first)
            reserved = month
            values[month_reservation_name(month)] = 1
    return ReadAhead(values, digest, record_name, counted=count is not None, reserved_month_key=reserved)


def gateway_read_ahead_end(read: ReadAhead) -> None:
    """At the end of the request: give back the reserved unit if no answered call used it."""
    if read.reserved_month_key is not None:
        usage_quota_release(key=read.reserved_month_key)


def gateway_read_ahead_learn(read: ReadAhead, identity: Any) -> None:
    """After authentication accepted the key: remember it, so its next requests are counted ahead."""
    if read.counted or not isinstance(identity, KeyIdentity):
        return
    raw_record = read.values.get(read.record_name)
    if not isinstance(raw_record, bytes):
        return  # the record was not cached yet (read from the database): next time
    record = api_key_record_decode(raw_record)
    if not isinstance(record, KeyRecord) or (record.key_id, record.tenant_id) != (identity.key_id,
                                                                                  identity.tenant_id):
        return
    with _lock:
        if len(_known) >= _MEMO_MAX:
            _known.clear()  # many keys in one process: start over rather than grow
        _known[read.digest] = _Authenticated(identity.tenant_id, hashlib.sha1(raw_record, usedforsecurity=False).hexdigest(),
                                             record.expires_at)
