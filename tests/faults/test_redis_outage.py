"""Issue 11, case 4: Redis stopped, restarted empty, or frozen; the gateway degrades, never 500s.

While Redis is stopped every /process still answers 200 (the throttle fails open on
per-worker windows and PostgreSQL figures) and its unit is stored with its audit row, so
a restart of Redis without persistence loses no usage. A frozen Redis (SIGSTOP) reads as
not ready within 2 s and costs each worker one socket timeout, not one per request.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.stack import Load, tally, wait_until

pytestmark = pytest.mark.integration


def test_a_redis_restart_under_load_answers_every_call_and_loses_no_unit(fault_stack) -> None:
    tenants = fault_stack.tenants([{"slug": "redis-stop-a"}, {"slug": "redis-stop-b"}])
    load = Load(fault_stack, tenants, threads=4).start()
    time.sleep(1.5)
    fault_stack.redis.stop()
    time.sleep(3.0)
    fault_stack.restart_redis()  # empty: no persistence
    time.sleep(1.5)
    answers = load.stop()
    result = tally(fault_stack, answers, [t.id for t in tenants])
    print(result.line())
    assert result.answered > 50 and result.server_errors == 0 and result.no_answer == 0, result.errors
    assert result.answered == len(answers)
    assert result.answered == result.audit_rows == result.answered_with_row == result.usage_units
    assert result.duplicate_rows == 0 and result.spooled == 0


def _ready(stack) -> tuple[int, float]:
    started = time.monotonic()
    response = requests.get(stack.url("/health/ready"), timeout=15)
    return response.status_code, time.monotonic() - started


def test_a_frozen_redis_reads_as_not_ready_within_two_seconds_and_process_still_answers(fault_stack) -> None:
    tenants = fault_stack.tenants([{"slug": "redis-frozen"}])
    assert _ready(fault_stack)[0] == 200
    fault_stack.freeze_redis()
    try:
        status, seconds = _ready(fault_stack)
        assert status == 503 and seconds < 2.0, seconds
        load = Load(fault_stack, tenants, threads=2, timeout=10).start()
        time.sleep(4.0)
        answers = load.stop()
    finally:
        fault_stack.thaw_redis()
    assert answers and all(a.status == 200 for a in answers), {f"{a.status} {a.code}" for a in answers}
    slow = [a for a in answers if a.seconds > 1.0]
    assert len(slow) <= 2 * len(fault_stack.worker_pids()), [round(a.seconds, 2) for a in slow]
    assert wait_until(lambda: _ready(fault_stack)[0] == 200, 10)
    result = tally(fault_stack, answers, [tenants[0].id])
    assert result.answered == result.audit_rows == result.usage_units
