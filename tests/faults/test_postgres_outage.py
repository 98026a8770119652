"""Issue 11, case 3b: PostgreSQL stopped under load; every answered call still gets its row and unit.

Real gunicorn (2 workers, production settings), PostgreSQL and Redis of its own; the
database is stopped for a few seconds while clients keep calling /process.
"""

from __future__ import annotations

import time

import pytest

from tests.support.stack import Load, tally

pytestmark = pytest.mark.integration


def test_a_postgres_outage_under_load_loses_no_audit_row_or_unit(fault_stack) -> None:
    tenants = fault_stack.tenants([{"slug": "pg-outage-a"}, {"slug": "pg-outage-b"}])
    load = Load(fault_stack, tenants, threads=4).start()
    time.sleep(1.5)
    fault_stack.pg.stop()
    time.sleep(3.0)
    fault_stack.pg.start()
    time.sleep(1.5)
    answers = load.stop()
    during = [a for a in answers if a.status]
    result = tally(fault_stack, answers, [t.id for t in tenants])
    print(result.line())
    assert result.answered > 50 and len(during) == len(answers)
    assert result.server_errors == 0, result.errors
    assert result.answered == result.audit_rows == result.answered_with_row == result.usage_units
    assert result.duplicate_rows == 0 and result.spooled == 0 and result.dead_letters == 0
