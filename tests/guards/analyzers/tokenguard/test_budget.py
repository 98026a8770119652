from __future__ import annotations

from datetime import UTC, datetime

import pytest

from guards.analyzers.tokenguard.budget import budget_check_and_charge, period_window

NOW = datetime(2026, 11, 22, 13, 45, tzinfo=UTC)


@pytest.mark.parametrize("period,label,reset", [
    ("hour", "2026-11-22T13", datetime(2026, 11, 22, 14, tzinfo=UTC)),
    ("day", "2026-11-22", datetime(2026, 11, 23, tzinfo=UTC)),
    ("week", "2026-W47", datetime(2026, 11, 23, tzinfo=UTC)),
    ("month", "2026-11", datetime(2026, 12, 1, tzinfo=UTC)),
])
def test_each_period_has_its_own_window_and_reset(period, label, reset):
    assert period_window(period, NOW) == (label, reset)


def test_december_resets_in_january():
    assert period_window("month", datetime(2026, 12, 31, 23, tzinfo=UTC))[1] == datetime(2027, 1, 1, tzinfo=UTC)


def test_requests_are_charged_until_the_budget_runs_out(budget_store):
    first = budget_check_and_charge(budget_store, limit=100, period="day", tokens=60, enforce=True, now=NOW)
    second = budget_check_and_charge(budget_store, limit=100, period="day", tokens=60, enforce=True, now=NOW)
    assert (first.used, first.charged, first.exceeded) == (60, 60, False)
    assert (second.used, second.charged, second.exceeded) == (60, 0, True)
    assert budget_store.counters == {"tokenguard:tokens:day:2026-11-22": 60}
    # The counter expires when its window ends (10h15m from NOW, plus a second).
    assert budget_store.ttls["tokenguard:tokens:day:2026-11-22"] == 10 * 3600 + 15 * 60 + 1


def test_an_unenforced_budget_charges_and_reports_the_excess(budget_store):
    status = budget_check_and_charge(budget_store, limit=50, period="month", tokens=80, enforce=False, now=NOW)
    assert (status.used, status.charged, status.exceeded) == (80, 80, True)
    assert status.to_dict()["remaining_tokens"] == 0


def test_a_new_window_starts_a_new_counter(budget_store):
    budget_check_and_charge(budget_store, limit=100, period="hour", tokens=90, enforce=True, now=NOW)
    later = budget_check_and_charge(budget_store, limit=100, period="hour", tokens=90, enforce=True,
                                    now=datetime(2026, 11, 22, 14, 1, tzinfo=UTC))
    assert (later.used, later.exceeded) == (90, False)
