"""Fail fast while Redis is unreachable, and notice by ourselves when it is back.

Redis is the gateway's fast path (key and config caches, rate windows, breaker state,
the month counter), never its system of record, so every caller has a fallback (the
database, a process-local breaker or window). What a caller must not do is *wait* on a
Redis that is known to be down: with sync workers, a frozen Redis (every command
waiting for the socket timeout) would stall each request for seconds.

:class:`FailFastConnectionPool` (the cache's ``CONNECTION_POOL_CLASS``) marks Redis
down on the first connection error or timeout. From then on every command of this
process fails at once with ``ConnectionError`` (no socket is touched), and one
background thread PINGs Redis every ``REDIS_PROBE_INTERVAL`` seconds with a short
timeout; its first answer lets commands through again. Each worker finds out on its
own, at the cost of one socket timeout.

Callers catch :data:`REDIS_ERRORS` and take their fallback.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django_redis.exceptions import ConnectionInterrupted
from prometheus_client import Counter
from redis import ConnectionPool
from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What a Redis call raises when Redis is unreachable (raw client, or through the Django cache).
REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, ConnectionInterrupted, OSError)
_TRIPPING = (RedisConnectionError, RedisTimeoutError)

PROBE_INTERVAL = float(os.environ.get("REDIS_PROBE_INTERVAL", "0.5"))
PROBE_TIMEOUT = 0.5

OUTAGES = Counter("aiguardian_redis_outages_total", "Times a worker found Redis unreachable and failed fast.")


# (the CACHES["default"] dict it was made for, the client): a guard request asks three times,
# and django-redis' lookup through the per-thread cache handler cost ~240 opcodes each time.
_client_memo: tuple[Any, Any] | None = None


def redis_client() -> Any | None:
    """The raw Redis client behind the default cache, or None when the cache is not Redis.

    Remembered per process for the same ``CACHES["default"]`` (changed settings are a new
    dict, so a test's override gets its own client). One client serves every thread: its
    connection pool is django-redis' shared one, and redis-py clients are thread-safe.
    """
    global _client_memo
    config = settings.CACHES["default"]
    memo = _client_memo
    if memo is not None and memo[0] is config:
        return memo[1]
    client = None
    if "django_redis" in config["BACKEND"]:
        from django_redis import get_redis_connection

        client = get_redis_connection("default")
    _client_memo = (config, client)
    return client


def redis_ping(*, timeout: float) -> None:
    """PING the default cache's Redis on a fresh connection with its own timeout (readiness).

    It bypasses the fail-fast state on purpose: it says whether Redis answers *now*.
    Raises on failure.
    """
    client = redis_client()
    if client is None:
        raise RuntimeError("the cache is not Redis")
    pool = client.connection_pool
    outage = getattr(pool, "outage", None)
    base = outage.connection_class if outage is not None else pool.connection_class
    _ping(base, pool.connection_kwargs, timeout)


def _ping(connection_class: type[Connection], kwargs: dict[str, Any], timeout: float) -> None:
    conn = connection_class(**{**kwargs, "socket_timeout": timeout, "socket_connect_timeout": timeout,
                               "retry_on_timeout": False, "retry": None, "health_check_interval": 0})
    try:
        conn.send_command("PING")
        if conn.read_response() not in (b"PONG", "PONG", True):
            raise RedisConnectionError("unexpected answer to PING")
    finally:
        conn.disconnect()


class Outage:
    """Whether one pool's Redis is marked down in this process, and the probe that clears it."""

    def __init__(self, connection_class: type[Connection], kwargs: dict[str, Any]) -> None:
        self.connection_class = connection_class
        self.kwargs = kwargs
        self.lock = threading.Lock()
        self.down = False
        self.pid = os.getpid()

    def check(self) -> None:
        """Raise at once while Redis is marked down (no socket wait)."""
        if self.down:
            if self.pid != os.getpid():  # forked while down: this process probes for itself
                self._reset()
                return
            raise RedisConnectionError("Redis is marked unavailable; a background probe will reopen it")

    def trip(self, exc: BaseException) -> None:
        with self.lock:
            if self.down and self.pid == os.getpid():
                return
            self.pid, self.down = os.getpid(), True
        OUTAGES.inc()
        logger.warning("redis unreachable (%s); failing fast until a probe answers", type(exc).__name__)
        threading.Thread(target=self._probe, name="redis-probe", daemon=True).start()

    def _reset(self) -> None:
        with self.lock:
            self.pid, self.down = os.getpid(), False

    def _probe(self) -> None:
        started = time.monotonic()
        while True:
            time.sleep(PROBE_INTERVAL)
            try:
                _ping(self.connection_class, self.kwargs, min(PROBE_TIMEOUT, PROBE_INTERVAL * 2))
            except REDIS_ERRORS:
                continue
            except Exception:  # never let the probe die: the process would fail fast for good
                logger.exception("redis probe failed")
                continue
            self._reset()
            logger.warning("redis answers again after %.1f s", time.monotonic() - started)
            return


class _FailFast:
    """Mixed into the pool's connection class: refuse while down, trip on connection errors."""

    outage: Outage

    def connect_check_health(self, *args: Any, **kwargs: Any) -> Any:
        self.outage.check()
        try:
            return super().connect_check_health(*args, **kwargs)  # type: ignore[misc]
        except _TRIPPING as exc:
            self.outage.trip(exc)
            raise

    def send_packed_command(self, *args: Any, **kwargs: Any) -> Any:
        self.outage.check()
        try:
            return super().send_packed_command(*args, **kwargs)  # type: ignore[misc]
        except _TRIPPING as exc:
            self.outage.trip(exc)
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)  # type: ignore[misc]
        except _TRIPPING as exc:
            self.outage.trip(exc)
            raise


_classes: dict[type, type] = {}


def _fail_fast_class(base: type[Connection]) -> type[Connection]:
    cls = _classes.get(base)
    if cls is None:
        cls = _classes[base] = type(f"FailFast{base.__name__}", (_FailFast, base), {})
    return cls


class FailFastConnectionPool(ConnectionPool):
    """A redis-py pool whose connections fail fast while their Redis is marked down."""

    def __init__(self, connection_class: type[Connection] = Connection, **kwargs: Any) -> None:
        super().__init__(connection_class=_fail_fast_class(connection_class), **kwargs)
        self.outage = Outage(connection_class, self.connection_kwargs)

    def make_connection(self) -> Any:
        connection = super().make_connection()
        connection.outage = self.outage
        return connection
