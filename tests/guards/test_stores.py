"""Tenant-scoped session memory and budget counters, against the suite's real Redis."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django_redis import get_redis_connection

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.contextguard import ContextGuard
from guards.stores import (
    RedisBudgetStore,
    RedisSessionMemory,
    SessionStateTooLarge,
    session_memory_delete,
    session_memory_get,
)

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stores-test"}}


@pytest.fixture
def redis():
    """The raw client (the suite refuses to run without django-redis, see tests/conftest.py)."""
    return get_redis_connection("default")


@pytest.fixture(scope="module")
def guard() -> ContextGuard:
    return ContextGuard()


def test_a_tenant_cannot_read_or_delete_another_tenants_session(redis):
    alpha, beta = RedisSessionMemory("t1"), RedisSessionMemory("t2")
    alpha.save("shared-id", {"v": 1, "secret": "alpha's"}, ttl_seconds=60)
    assert beta.load("shared-id") is None
    assert beta.delete("shared-id") is False
    assert alpha.load("shared-id") == {"v": 1, "secret": "alpha's"}
    keys = [k.decode() for k in redis.keys("*:ctx:*")]
    assert keys == [alpha.key("shared-id")]
    assert ":ctx:t1:" in keys[0] and "shared-id" not in keys[0]  # the session id is hashed


def test_a_session_expires_after_its_ttl(redis):
    memory = RedisSessionMemory("t1")
    memory.save("s", {"v": 1}, ttl_seconds=1)
    assert 0 < redis.pttl(memory.key("s")) <= 1000
    assert memory.load("s") == {"v": 1}
    time.sleep(1.1)
    assert memory.load("s") is None


def test_a_state_over_the_size_limit_is_refused_and_nothing_is_written():
    memory = RedisSessionMemory("t1", max_state_bytes=100)
    with pytest.raises(SessionStateTooLarge):
        memory.save("s", {"text": "x" * 200}, ttl_seconds=60)
    assert memory.load("s") is None


def test_a_corrupt_stored_value_reads_as_no_session(redis):
    memory = RedisSessionMemory("t1")
    redis.set(memory.key("s"), b"{not json", ex=60)
    assert memory.load("s") is None


@pytest.mark.parametrize("bad", ["", "a:b", "has space", "x" * 129])
def test_a_tenant_key_that_could_blur_namespaces_is_refused(bad):
    with pytest.raises(ValueError):
        RedisSessionMemory(bad)
    with pytest.raises(ValueError):
        RedisBudgetStore(bad)


def test_the_api_view_of_a_session_has_turns_but_no_vectors(guard):
    context = AnalyzerContext(tenant_key="t1", session_id="chat-1", memory=RedisSessionMemory("t1"))
    cfg = ContextGuard.settings_schema.defaults()
    guard.analyze({"text": "How do I reset my router password?"}, cfg, context)
    guard.analyze({"text": "Hold the reset button for ten seconds.", "role": "assistant"}, cfg, context)

    view = session_memory_get("t1", "chat-1")
    assert view["session_id"] == "chat-1"
    assert view["turn_count"] == 2
    assert view["roles"] == ["assistant", "user"]
    assert [t["text"] for t in view["turns"]] == ["How do I reset my router password?",
                                                   "Hold the reset button for ten seconds."]
    stored = RedisSessionMemory("t1").load("chat-1")
    assert stored["turns"][0]["e"][:40] not in json.dumps(view)  # no vector leaves the store
    assert session_memory_get("t2", "chat-1") is None

    assert session_memory_delete("t2", "chat-1") is False
    assert session_memory_delete("t1", "chat-1") is True
    assert session_memory_get("t1", "chat-1") is None
    assert session_memory_delete("t1", "chat-1") is False


def test_budget_counters_add_up_per_tenant():
    alpha, beta = RedisBudgetStore("t1"), RedisBudgetStore("t2")
    assert alpha.consume("tokens:day:2026-11-22", 5, period_seconds=60) == 5
    assert alpha.consume("tokens:day:2026-11-22", 7, period_seconds=60) == 12
    assert alpha.used("tokens:day:2026-11-22") == 12
    assert beta.used("tokens:day:2026-11-22") == 0
    assert alpha.used("tokens:day:2026-11-23") == 0


def test_concurrent_charges_are_not_lost():
    store = RedisBudgetStore("t1")

    def charge() -> None:
        for _ in range(25):
            store.consume("tokens", 1, period_seconds=60)

    threads = [threading.Thread(target=charge) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.used("tokens") == 200


def test_a_budget_window_expires_from_its_first_charge_not_its_last(redis):
    store = RedisBudgetStore("t1")
    store.consume("tokens", 3, period_seconds=1)
    store.consume("tokens", 4, period_seconds=100)  # a later charge must not extend the window
    assert redis.pttl(store.counter_key("tokens")) <= 1000
    time.sleep(1.1)
    assert store.used("tokens") == 0


def test_without_redis_the_stores_fall_back_to_the_django_cache(settings, redis):
    settings.CACHES = LOCMEM
    alpha, beta = RedisSessionMemory("t1"), RedisSessionMemory("t2")
    alpha.save("s", {"v": 1}, ttl_seconds=60)
    assert alpha.load("s") == {"v": 1}
    assert beta.load("s") is None
    assert alpha.delete("s") is True
    assert alpha.load("s") is None

    budget = RedisBudgetStore("t1")
    assert budget.consume("tokens", 2, period_seconds=60) == 2
    assert budget.consume("tokens", 3, period_seconds=60) == 5
    assert RedisBudgetStore("t2").used("tokens") == 0
    assert budget.used("tokens") == 5
    assert redis.keys("*") == []  # all of it went to the local-memory cache
