"""Usage metering in Redis, flushed to PostgreSQL, and the plan limits it feeds."""

from __future__ import annotations

import pytest
from django_redis import get_redis_connection

from accounts.models import Tenant
from billing import services
from billing.models import Plan, Subscription, UsageRecord
from tests.support.redis_trips import counting_round_trips

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    tenant = Tenant.objects.create(name="Acme", slug="acme")
    services.plan_assign(tenant=tenant, plan_code="free")
    return tenant


def test_usage_is_counted_in_redis_without_touching_the_database(acme, django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(3):
            services.usage_record(tenant_id=acme.pk, guard="tokenguard")
    assert UsageRecord.objects.count() == 0
    assert services.usage_month_total(tenant_id=acme.pk) == 3


def test_flush_moves_pending_units_into_daily_rows_once(acme):
    services.usage_record(tenant_id=acme.pk, guard="tokenguard", units=2)
    services.usage_record(tenant_id=acme.pk, guard="securityguard")
    assert services.usage_flush() == 3
    rows = {r.guard: r.units for r in UsageRecord.objects.filter(tenant=acme)}
    assert rows == {"tokenguard": 2, "securityguard": 1}
    assert services.usage_flush() == 0  # nothing counted twice
    services.usage_record(tenant_id=acme.pk, guard="tokenguard")
    services.usage_flush()
    assert UsageRecord.objects.get(tenant=acme, guard="tokenguard").units == 3


def test_a_batch_left_by_a_crashed_flush_is_picked_up_next_time(acme):
    services.usage_record(tenant_id=acme.pk, guard="biasguard", units=5)
    client = get_redis_connection("default")
    client.rename(services._pending_key(), f"{services._prefix()}:flushing:crashed")
    assert services.usage_flush() == 5
    assert UsageRecord.objects.get(tenant=acme, guard="biasguard").units == 5
    assert not list(client.scan_iter(f"{services._prefix()}:flushing:*"))


def test_the_monthly_total_is_reseeded_from_postgres_when_redis_loses_it(acme):
    services.usage_record(tenant_id=acme.pk, guard="tokenguard", units=7)
    services.usage_flush()
    get_redis_connection("default").delete(services._month_key(acme.pk, services._now()))
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
    assert get_redis_connection("default").get(services._limits_key(acme.pk)) is not None


def test_a_plan_change_takes_effect_at_once_despite_the_cached_limits(acme):
    assert services.usage_window_hit(tenant_id=acme.pk).limits.plan == "free"
    services.plan_assign(tenant=acme, plan_code="pro")
    assert services.usage_window_hit(tenant_id=acme.pk).limits.plan == "pro"
    assert services.plan_limits_get(tenant_id=acme.pk).plan == "pro"


def test_admission_is_one_redis_round_trip_once_the_limits_are_cached(acme, monkeypatch, django_assert_num_queries):
    services.usage_record(tenant_id=acme.pk, guard="tokenguard", units=2)
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
    keys = list(client.scan_iter(f"{services._prefix()}:throttle_plan_{acme.pk}_*"))
    assert len(keys) == 1 and 0 < client.ttl(keys[0]) <= 120


def test_admission_reseeds_a_lost_month_total_from_postgres(acme):
    services.usage_record(tenant_id=acme.pk, guard="tokenguard", units=7)
    services.usage_flush()
    get_redis_connection("default").delete(services._month_key(acme.pk, services._now()))
    assert services.usage_window_hit(tenant_id=acme.pk).month_total == 7
    services.usage_record(tenant_id=acme.pk, guard="tokenguard")
    assert services.usage_window_hit(tenant_id=acme.pk).month_total == 8


def test_admission_reloads_its_script_when_redis_does_not_know_it(acme):
    services.usage_window_hit(tenant_id=acme.pk)
    script = services._admission_script(get_redis_connection("default"))
    script.sha = "0" * 40  # as after a Redis restart (without flushing the shared server's scripts)
    assert services.usage_window_hit(tenant_id=acme.pk).rate_count == 2
    assert script.sha != "0" * 40
