"""Fixtures: tiktoken's own encodings as the reference, and an in-memory budget store."""

from __future__ import annotations

import os

import pytest
import tiktoken

from guards.analyzers.tokenguard.encodings import tiktoken_cache_dir_populate


@pytest.fixture(scope="session")
def reference_encoding(tmp_path_factory):
    """``tiktoken.get_encoding`` itself, reading the files from a cache folder (no network)."""
    cache = tmp_path_factory.mktemp("tiktoken-cache")
    tiktoken_cache_dir_populate(str(cache))
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    try:
        yield lambda name: tiktoken.get_encoding(name)
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


class FakeBudgetStore:
    """The BudgetStore protocol over a dict; remembers the TTL each counter was given."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.ttls: dict[str, int] = {}

    def consume(self, key: str, amount: int, *, period_seconds: int) -> int:
        self.counters[key] = self.counters.get(key, 0) + amount
        self.ttls.setdefault(key, period_seconds)
        return self.counters[key]

    def used(self, key: str) -> int:
        return self.counters.get(key, 0)


@pytest.fixture
def budget_store() -> FakeBudgetStore:
    return FakeBudgetStore()
