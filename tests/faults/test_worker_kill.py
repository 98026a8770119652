"""Issue 11, case 3c: a SIGKILLed worker's spooled entries are replayed, not lost.

The worker is killed in the middle of load at a moment it holds accepted but unstored
entries; its spool segment is claimed and replayed by the worker gunicorn starts in its
place (or by its sibling).
"""

from __future__ import annotations

import time

import pytest

from tests.support.stack import Load, tally, wait_until

pytestmark = pytest.mark.integration


def test_a_killed_workers_calls_are_all_recorded(fault_stack) -> None:
    tenants = fault_stack.tenants([{"slug": "kill-a"}, {"slug": "kill-b"}])
    load = Load(fault_stack, tenants, threads=4).start()
    time.sleep(2.0)
    killed, pending = fault_stack.kill_worker()
    assert pending > 0  # it died holding spooled entries that were not stored yet
    assert wait_until(lambda: killed not in fault_stack.worker_pids() and len(fault_stack.worker_pids()) == 2, 30)
    time.sleep(2.0)
    answers = load.stop()
    result = tally(fault_stack, answers, [t.id for t in tenants])
    print(result.line())
    assert result.answered > 50 and result.server_errors == 0, result.errors
    assert result.answered_with_row == result.answered  # every answered call has its row
    # A call in flight when its worker died was not answered, yet may have been spooled.
    assert result.answered <= result.audit_rows <= result.answered + result.no_answer
    assert result.usage_units == result.billed_rows == result.audit_rows
    assert result.duplicate_rows == 0 and result.spooled == 0 and result.dead_letters == 0
