"""Usage metering in Redis, flushed to PostgreSQL, and the plan limits it feeds."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection

from accounts.models import Tenant
from billing import services
from billing.models import Plan, Subscription, UsageRecord

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
    assert cache.get(services._limits_key(acme.pk)) is not None
