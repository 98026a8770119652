"""Fail fast while Redis is unreachable, and use it again as soon as a background probe hears it."""

from __future__ import annotations

import socket
import time

import pytest
import redis

from aiguardian.redis_outage import REDIS_ERRORS, FailFastConnectionPool
from tests.support.processes import RedisServer
from tests.support.stack import wait_until


def _client(url: str) -> redis.Redis:
    pool = FailFastConnectionPool.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5, retry_on_timeout=True)
    return redis.Redis(connection_pool=pool)


def _timed_get(client: redis.Redis) -> float:
    started = time.monotonic()
    with pytest.raises(REDIS_ERRORS):
        client.get("k")
    return time.monotonic() - started


def test_a_frozen_redis_costs_one_socket_timeout_then_calls_fail_at_once() -> None:
    with socket.socket() as frozen:  # accepts into its backlog, never answers
        frozen.bind(("127.0.0.1", 0))
        frozen.listen(16)
        client = _client(f"redis://127.0.0.1:{frozen.getsockname()[1]}/0")
        first = _timed_get(client)
        later = [_timed_get(client) for _ in range(5)]
    assert 0.4 < first < 1.5  # one 0.5 s timeout (the retry finds Redis marked down)
    assert max(later) < 0.05


@pytest.mark.integration
def test_redis_is_used_again_once_the_probe_hears_it() -> None:
    server = RedisServer()  # its port, not started yet
    client = _client(server.url)
    _timed_get(client)
    server.start()
    try:
        assert wait_until(lambda: _answers(client), timeout=5.0)
        assert client.set("k", "v") and client.get("k") == b"v"
    finally:
        server.stop()


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except REDIS_ERRORS:
        return False
