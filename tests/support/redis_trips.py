"""Count Redis round trips: every command sent on its own, and every pipeline as one.

The hot path's cost is dominated by network round trips to Redis, so tests pin how
many a request makes; a change that adds one fails them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import redis.client


@dataclass
class RoundTrips:
    """What was sent: one entry per round trip (a command name, or ``PIPELINE[...]``)."""

    calls: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.calls)

    def reset(self) -> None:
        self.calls.clear()


@contextmanager
def counting_round_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[RoundTrips]:
    """Wrap redis-py's single-command and pipeline entry points for the duration."""
    trips = RoundTrips()
    single = redis.client.Redis.execute_command
    pipelined = redis.client.Pipeline.execute

    def execute_command(self, *args, **options):  # type: ignore[no-untyped-def]
        trips.calls.append(str(args[0]))
        return single(self, *args, **options)

    def execute(self, raise_on_error=True):  # type: ignore[no-untyped-def]
        if self.command_stack:
            trips.calls.append("PIPELINE[" + ",".join(str(c[0][0]) for c in self.command_stack) + "]")
        return pipelined(self, raise_on_error)

    monkeypatch.setattr(redis.client.Redis, "execute_command", execute_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    yield trips
