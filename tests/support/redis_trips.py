"""Count Redis round trips: every command sent on its own, and every pipeline as one.

The hot path's cost is dominated by network round trips to Redis, so tests pin how
many a request makes; a change that adds one fails them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import redis.client
import redis.connection


@dataclass
class RoundTrips:
    """What was sent: one entry per round trip (a command name, or ``PIPELINE[...]``)."""

    calls: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.calls)

    def reset(self) -> None:
        self.calls.clear()


_PIPELINE_WRAPPERS = {"MULTI", "EXEC"}
PROBE_THREAD = "redis-probe"  # aiguardian.redis_outage's background PING


def _command_names(packed: object) -> list[str]:
    """The command names in what a connection wrote (RESP arrays of bulk strings)."""
    if isinstance(packed, (bytes, bytearray, memoryview)):
        data = bytes(packed)
    elif isinstance(packed, str):
        data = packed.encode()
    else:
        data = b"".join(bytes(c) if not isinstance(c, str) else c.encode() for c in packed)  # type: ignore[union-attr]
    names, pos = [], 0
    while pos < len(data) and data[pos:pos + 1] == b"*":
        end = data.index(b"\r\n", pos)
        count = int(data[pos + 1:end])
        pos = end + 2
        for i in range(count):
            end = data.index(b"\r\n", pos)
            size = int(data[pos + 1:end])
            if i == 0:
                names.append(data[end + 2:end + 2 + size].decode().upper())
            pos = end + 2 + size + 2
    return names


@contextmanager
def counting_round_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[RoundTrips]:
    """Count every write a Redis connection sends (each is one round trip) while active.

    Counted where the bytes leave (``send_packed_command``), not at redis-py's command API,
    so a path that talks to a connection directly (the read-ahead script) is counted too.
    A write of one command is named by it; a pipeline's write is ``PIPELINE[...]`` with
    its commands (MULTI/EXEC left out). What redis-py sends on its own to set up a new
    connection (HELLO, SELECT, CLIENT SETINFO) or to check an idle one (PING) is not a
    request's round trip and is not counted; nor is the PING of a worker's outage probe
    (a background thread an earlier outage may have left running).
    """
    trips = RoundTrips()
    send = redis.connection.AbstractConnection.send_packed_command
    pipelined = redis.client.Pipeline.execute
    in_pipeline = threading.local()
    quiet = threading.local()

    def quietly(method):  # type: ignore[no-untyped-def]
        def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            quiet.depth = getattr(quiet, "depth", 0) + 1
            try:
                return method(self, *args, **kwargs)
            finally:
                quiet.depth -= 1
        return wrapper

    def send_packed_command(self, command, check_health=True):  # type: ignore[no-untyped-def]
        if getattr(quiet, "depth", 0) or threading.current_thread().name == PROBE_THREAD:
            return send(self, command, check_health)
        names = _command_names(command)
        if getattr(in_pipeline, "depth", 0):
            names = [n for n in names if n not in _PIPELINE_WRAPPERS]
            trips.calls.append("PIPELINE[" + ",".join(names) + "]")
        else:
            trips.calls.extend(names[:1] if len(names) == 1 else ["PIPELINE[" + ",".join(names) + "]"])
        return send(self, command, check_health)

    def execute(self, raise_on_error=True):  # type: ignore[no-untyped-def]
        in_pipeline.depth = getattr(in_pipeline, "depth", 0) + 1
        try:
            return pipelined(self, raise_on_error)
        finally:
            in_pipeline.depth -= 1

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", send_packed_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    for name in ("on_connect_check_health", "check_health"):
        monkeypatch.setattr(redis.connection.AbstractConnection, name,
                            quietly(getattr(redis.connection.AbstractConnection, name)))
    yield trips
