from __future__ import annotations

import time

import pytest

from guards.services.backends.breaker import BreakerPolicy, CircuitBreaker

POLICY = BreakerPolicy(failures=3, window=30, cooldown=0.3)


@pytest.fixture
def breaker() -> CircuitBreaker:
    return CircuitBreaker(4242, "remote", POLICY)


def test_it_opens_after_n_failures_within_the_window(breaker) -> None:
    assert breaker.record_failure() == "closed"
    assert breaker.record_failure() == "closed"
    assert breaker.record_failure() == "open"
    assert breaker.allow() == (False, "open")


def test_its_state_is_shared_through_redis(breaker) -> None:
    for _ in range(3):
        breaker.record_failure()
    another_worker = CircuitBreaker(4242, "remote", POLICY)
    assert another_worker.allow() == (False, "open")
    assert CircuitBreaker(4343, "other", POLICY).allow() == (True, "closed")


def test_it_lets_one_probe_through_after_the_cool_down_and_closes_on_success(breaker) -> None:
    for _ in range(3):
        breaker.record_failure()
    time.sleep(POLICY.cooldown + 0.05)
    assert breaker.state() == "half_open"
    assert breaker.allow() == (True, "half_open")
    assert breaker.allow() == (False, "half_open")  # the probe is in flight
    assert breaker.record_success(12.5) == "closed"
    assert breaker.allow() == (True, "closed")


def test_a_failed_probe_opens_it_again(breaker) -> None:
    for _ in range(3):
        breaker.record_failure()
    time.sleep(POLICY.cooldown + 0.05)
    breaker.allow()
    assert breaker.record_failure() == "open"
    assert breaker.allow() == (False, "open")


def test_failures_outside_the_window_do_not_add_up() -> None:
    breaker = CircuitBreaker(77, "remote", BreakerPolicy(failures=2, window=0.2, cooldown=5))
    breaker.record_failure()
    time.sleep(0.3)
    assert breaker.record_failure() == "closed"


def test_it_keeps_recent_calls_for_the_health_snapshot(breaker) -> None:
    breaker.record_success(10.0)
    breaker.record_failure(30.0)
    breaker.record_failure()
    assert breaker.recent_calls() == [(0.0, False), (30.0, False), (10.0, True)]


def test_without_redis_the_same_rules_hold_in_process(settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    breaker = CircuitBreaker(5, "local", BreakerPolicy(failures=2, window=30, cooldown=0.2))
    breaker.reset()
    breaker.record_failure()
    assert breaker.record_failure() == "open"
    assert breaker.allow() == (False, "open")
    time.sleep(0.25)
    assert breaker.allow() == (True, "half_open")
    assert breaker.record_success(1.0) == "closed"


def test_the_state_gauge_follows_the_breaker(breaker) -> None:
    from prometheus_client import REGISTRY

    for _ in range(3):
        breaker.record_failure()
    assert REGISTRY.get_sample_value("aiguardian_guard_breaker_state", {"backend": "remote"}) == 2
    breaker.record_success(1.0)
    assert REGISTRY.get_sample_value("aiguardian_guard_breaker_state", {"backend": "remote"}) == 0
