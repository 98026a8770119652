"""Usage: billable units in PostgreSQL, the month counter in Redis, and the plan limits it feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django_redis import get_redis_connection

from accounts.models import Tenant
from billing import services
from billing.models import Plan, Subscription, UsageRecord
from billing.services import keys
from billing.services.admission import admission_script
from tests.support.redis_trips import counting_round_trips

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    tenant = Tenant.objects.create(name="Acme", slug="acme")
    services.plan_assign(tenant=tenant, plan_code="free")
    return tenant


def today() -> date:
    return datetime.now(UTC).date()


def meter(tenant, units: int, guard: str = "tokenguard") -> None:
    """What an answered call does: its unit stored with its audit row, then counted for the quota."""
    services.usage_units_add(counts={(tenant.pk, guard, today()): units})
    services.usage_quota_count(tenant_id=tenant.pk, units=units)


def test_the_quota_counter_is_one_redis_round_trip_and_no_query(acme, monkeypatch, django_assert_num_queries):
    with counting_round_trips(monkeypatch) as trips, django_assert_num_queries(0):
        for _ in range(3):
            services.usage_quota_count(tenant_id=acme.pk)
    assert trips.calls == ["PIPELINE[INCRBY,EXPIRE]"] * 3
    assert services.usage_month_total(tenant_id=acme.pk) == 3


def test_units_are_added_to_daily_rows_per_tenant_and_guard(acme):
    other = Tenant.objects.create(name="Other", slug="other")
    yesterday = date.fromordinal(today().toordinal() - 1)
    services.usage_units_add(counts={(acme.pk, "tokenguard", today()): 2, (acme.pk, "biasguard", today()): 1,
                                     (other.pk, "tokenguard", yesterday): 4})
    services.usage_units_add(counts={(acme.pk, "tokenguard", today()): 3})
    rows = {(r.tenant_id, r.guard, r.day): (r.units, r.reported_units) for r in UsageRecord.objects.all()}
    assert rows == {(acme.pk, "tokenguard", today()): (5, 0), (acme.pk, "biasguard", today()): (1, 0),
                    (other.pk, "tokenguard", yesterday): (4, 0)}


def _legacy_pending(tenant, guard: str, units: int) -> None:
    """A counter left in Redis by a release before durable metering."""
    get_redis_connection("default").hincrby(keys.pending_key(), f"{tenant.pk}|{guard}|{today().isoformat()}", units)


def test_flush_moves_counters_left_by_older_releases_into_daily_rows_once(acme):
    _legacy_pending(acme, "tokenguard", 2)
    _legacy_pending(acme, "securityguard", 1)
    assert services.usage_flush() == 3
    rows = {r.guard: r.units for r in UsageRecord.objects.filter(tenant=acme)}
    assert rows == {"tokenguard": 2, "securityguard": 1}
    assert services.usage_flush() == 0  # nothing counted twice
    meter(acme, 1)
    assert services.usage_flush() == 0  # units of this release are stored with their audit rows
    assert UsageRecord.objects.get(tenant=acme, guard="tokenguard").units == 3


def test_a_batch_left_by_a_crashed_flush_is_picked_up_next_time(acme):
    _legacy_pending(acme, "biasguard", 5)
    client = get_redis_connection("default")
    client.rename(keys.pending_key(), f"{keys.prefix()}:flushing:crashed")
    assert services.usage_flush() == 5
    assert UsageRecord.objects.get(tenant=acme, guard="biasguard").units == 5
    assert not list(client.scan_iter(f"{keys.prefix()}:flushing:*"))


def test_the_monthly_total_is_reseeded_from_postgres_when_redis_loses_it(acme):
    meter(acme, 7)
    get_redis_connection("default").delete(keys.month_key(acme.pk, keys.now()))
    assert services.usage_month_total(tenant_id=acme.pk) == 7


def test_a_lapsed_subscription_falls_back_to_the_default_plan(acme):
    pro = Plan.objects.get(code="pro")
    services.plan_assign(tenant=acme, plan_code="pro")
    assert services.plan_limits_get(tenant_id=acme.pk).rate_limit_per_minute == pro.rate_limit_per_minute
    Subscription.objects.filter(tenant=acme).update(status=Subscription.Status.CANCELED)
    services.limits_invalidate(tenant_id=acme.pk)
    assert services.plan_limits_get(tenant_id=acme.pk).plan == "free"


def test_plan_limits_are_cached(acme, django_assert_num_queries):
    services.plan_limits_get(tenant_id=acme.pk)
    with django_assert_num_queries(0):
        assert services.plan_limits_get(tenant_id=acme.pk).plan == "free"
    assert get_redis_connection("default").get(keys.limits_key(acme.pk)) is not None


def test_a_plan_change_takes_effect_at_once_despite_the_cached_limits(acme):
    assert services.usage_window_hit(tenant_id=acme.pk).limits.plan == "free"
    services.plan_assign(tenant=acme, plan_code="pro")
    assert services.usage_window_hit(tenant_id=acme.pk).limits.plan == "pro"
    assert services.plan_limits_get(tenant_id=acme.pk).plan == "pro"


def test_admission_is_one_redis_round_trip_once_the_limits_are_cached(acme, monkeypatch, django_assert_num_queries):
    meter(acme, 2)
    services.usage_window_hit(tenant_id=acme.pk)  # cold: reads the plan from the database
    with counting_round_trips(monkeypatch) as trips, django_assert_num_queries(0):
        window = services.usage_window_hit(tenant_id=acme.pk)
    assert trips.calls == ["EVALSHA"]
    free = Plan.objects.get(code="free")
    assert window.limits == services.PlanLimits("free", free.rate_limit_per_minute, free.monthly_quota)
    assert (window.rate_count, window.month_total) == (2, 2)
    assert 1 <= window.window_resets_in <= 61


def test_the_rate_window_counts_per_tenant_and_expires(acme):
    other = Tenant.objects.create(name="Other", slug="other")
    counts = [services.usage_window_hit(tenant_id=acme.pk).rate_count for _ in range(3)]
    assert counts == [1, 2, 3]
    assert services.usage_window_hit(tenant_id=other.pk).rate_count == 1
    client = get_redis_connection("default")
    windows = list(client.scan_iter(f"{keys.prefix()}:throttle_plan_{acme.pk}_*"))
    assert len(windows) == 1 and 0 < client.ttl(windows[0]) <= 120


def test_admission_reseeds_a_lost_month_total_from_postgres(acme):
    meter(acme, 7)
    get_redis_connection("default").delete(keys.month_key(acme.pk, keys.now()))
    assert services.usage_window_hit(tenant_id=acme.pk).month_total == 7
    meter(acme, 1)
    assert services.usage_window_hit(tenant_id=acme.pk).month_total == 8


def test_admission_reloads_its_script_when_redis_does_not_know_it(acme):
    services.usage_window_hit(tenant_id=acme.pk)
    script = admission_script(get_redis_connection("default"))
    script.sha = "0" * 40  # as after a Redis restart (without flushing the shared server's scripts)
    assert services.usage_window_hit(tenant_id=acme.pk).rate_count == 2
    assert script.sha != "0" * 40


def test_without_redis_admission_counts_in_the_process_on_postgres_figures(acme, redis_down):
    meter(acme, 4)  # the unit is stored; the quota counter is skipped without a word
    windows = [services.usage_window_hit(tenant_id=acme.pk) for _ in range(3)]
    assert [w.degraded for w in windows] == [True] * 3
    assert [w.rate_count for w in windows] == [1, 2, 3]
    free = Plan.objects.get(code="free")
    assert windows[0].limits == services.PlanLimits("free", free.rate_limit_per_minute, free.monthly_quota)
    assert windows[0].month_total == 4
    assert services.usage_month_total(tenant_id=acme.pk) == 4
    assert services.plan_limits_get(tenant_id=acme.pk).plan == "free"
