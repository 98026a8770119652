"""The process-local session memory used without Redis (benchmarks, standalone service)."""

from __future__ import annotations

from guards.analyzers.contextguard.memory import LocalSessionMemory


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_saved_state_expires_after_its_ttl():
    clock = Clock()
    memory = LocalSessionMemory(clock=clock)
    memory.save("s", {"v": 1, "count": 1}, ttl_seconds=5)
    clock.now += 4.9
    assert memory.load("s") == {"v": 1, "count": 1}
    clock.now += 0.2
    assert memory.load("s") is None
    assert memory.delete("s") is False


def test_delete_reports_whether_there_was_a_session():
    memory = LocalSessionMemory()
    memory.save("s", {"x": 1}, ttl_seconds=60)
    assert memory.delete("s") is True
    assert memory.delete("s") is False
