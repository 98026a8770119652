"""Issue 11, case 3a: one tenant's poisoned text must not cost other tenants their audit rows.

A tenant that keeps raw text sends a NUL byte (PostgreSQL refuses it in text columns)
while two other tenants call normally; before, the whole batch INSERT failed and every
row in it was lost although the clients had their 200s.
"""

from __future__ import annotations

import time

import pytest

from tests.support.stack import Load, tally

pytestmark = pytest.mark.integration


def _text(tenant, n: int) -> str:
    if tenant.slug == "poison-raw":
        return f"Invoice {n} total\x00 due Friday"
    return f"Draft the reply to ticket {n} about the delayed shipment."


def test_a_nul_byte_from_one_tenant_costs_nobody_a_row(fault_stack) -> None:
    tenants = fault_stack.tenants([{"slug": "poison-raw", "store_raw_text": True}, {"slug": "poison-b"},
                                   {"slug": "poison-c"}])
    load = Load(fault_stack, tenants, threads=3, text_for=_text).start()
    time.sleep(3.0)
    answers = load.stop()
    ids = [t.id for t in tenants]
    result = tally(fault_stack, answers, ids)
    print(result.line())
    poisoned = [a for a in answers if a.tenant_id == tenants[0].id]
    assert poisoned and result.server_errors == 0, result.errors
    assert result.answered > 30
    assert result.answered == result.audit_rows == result.answered_with_row == result.usage_units
    assert result.dead_letters == 0 and result.spooled == 0
    stored = fault_stack.query("SELECT raw_text FROM guards_guardrequest WHERE tenant_id = %s LIMIT 1",
                               [tenants[0].id])
    if stored:  # the text was accepted (not refused at the door): kept, with the NUL replaced
        assert "\x00" not in stored[0][0] and "\ufffd" in stored[0][0]
