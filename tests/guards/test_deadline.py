"""The deadline stops in-process analyses where they run: /process answers 504 and the worker is free."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from billing.services import usage_month_total
from guards.models import GuardRequest
from guards.services.deadline import DeadlineExceeded, armed_scopes, deadline_scope

URL = "/api/v1/guards/process"


def _spin(seconds: float) -> int:
    end, rounds = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        rounds += 1
    return rounds


def _thread_cpu_seconds() -> float:
    return time.thread_time()


def test_a_busy_loop_is_stopped_at_its_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        with deadline_scope(time.monotonic() + 0.2):
            _spin(5.0)
    assert time.monotonic() - started < 1.0
    assert armed_scopes() == 0


def test_a_scope_that_ends_in_time_is_never_interrupted_later() -> None:
    with deadline_scope(time.monotonic() + 0.1):
        _spin(0.01)
    _spin(0.3)  # past the old deadline, outside the scope: nothing may be raised here
    assert armed_scopes() == 0


def test_a_deadline_already_past_raises_before_any_work() -> None:
    ran = []
    with pytest.raises(DeadlineExceeded):
        with deadline_scope(time.monotonic() - 1):
            ran.append(1)
    assert ran == []


def test_a_stopped_pool_thread_is_free_for_the_next_task() -> None:
    pool = ThreadPoolExecutor(max_workers=1)

    def guarded() -> str:
        try:
            with deadline_scope(time.monotonic() + 0.2):
                _spin(30.0)
        except DeadlineExceeded:
            return "stopped"
        return "finished"

    try:
        started = time.monotonic()
        assert pool.submit(guarded).result(timeout=5) == "stopped"
        assert pool.submit(lambda: "next").result(timeout=1) == "next"
        assert time.monotonic() - started < 2.0
    finally:
        pool.shutdown(wait=False)


def test_scopes_in_two_threads_fire_independently() -> None:
    outcomes: dict[str, str] = {}

    def run(name: str, budget: float, work: float) -> None:
        try:
            with deadline_scope(time.monotonic() + budget):
                _spin(work)
            outcomes[name] = "finished"
        except DeadlineExceeded:
            outcomes[name] = "stopped"

    threads = [threading.Thread(target=run, args=("slow", 0.2, 10.0)),
               threading.Thread(target=run, args=("quick", 2.0, 0.3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert outcomes == {"slow": "stopped", "quick": "finished"}


@pytest.fixture
def spin(test_guards, guard_config):
    return guard_config("spinguard", settings={"seconds": 30.0})


def test_process_honours_the_timeout_of_an_in_process_guard(api_client, spin, tenant) -> None:
    # A first call pays one-off imports and connections; the timed call must not include them.
    assert api_client.post(URL, {"service_type": "tokenguard", "payload": {"text": "warm"}},
                           format="json").status_code == 200
    before = usage_month_total(tenant_id=tenant.pk)
    cpu_before = _thread_cpu_seconds()
    started = time.monotonic()
    response = api_client.post(URL, {"service_type": "spinguard", "payload": {"text": "busy"}, "timeout": 0.5},
                               format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 504, response.content
    assert response.json()["error"]["code"] == "guard_timeout"
    assert elapsed < 2.0
    # The analysis ran in this thread and stopped: it burnt about the timeout, not 30 s.
    assert _thread_cpu_seconds() - cpu_before < 2.0
    assert armed_scopes() == 0
    row = GuardRequest.objects.get(guard="spinguard")
    assert (row.outcome, row.error_code, row.backend) == ("timeout", "guard_timeout", "inprocess")
    assert row.request_id == response.json()["request_id"]
    assert usage_month_total(tenant_id=tenant.pk) == before  # a timed-out call is not billed


def test_the_next_request_is_served_at_once_after_a_timeout(api_client, spin) -> None:
    api_client.post(URL, {"service_type": "spinguard", "payload": {"text": "busy"}, "timeout": 0.3}, format="json")
    started = time.monotonic()
    response = api_client.post(URL, {"service_type": "tokenguard", "payload": {"text": "small"}}, format="json")
    assert response.status_code == 200 and time.monotonic() - started < 1.0


def test_a_guard_that_finishes_in_time_answers_normally(api_client, test_guards, guard_config) -> None:
    guard_config("spinguard", settings={"seconds": 0.05})
    response = api_client.post(URL, {"service_type": "spinguard", "payload": {"text": "busy"}, "timeout": 2},
                               format="json")
    assert response.status_code == 200 and response.json()["data"]["rounds"] > 0
