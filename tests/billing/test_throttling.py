"""Plan rate limit and monthly quota throttles."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from accounts.models import Tenant
from aiguardian.api import APIError
from billing import services
from billing.models import Plan
from billing.throttling import MonthlyQuotaThrottle, PlanRateThrottle
from tests.support.redis_trips import counting_round_trips

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _not_at_a_minute_boundary():
    """The rate window is the clock minute: a test that straddles a boundary sees its count reset."""
    second = time.time() % 60
    if second > 54:
        time.sleep(60.5 - second)


@pytest.fixture
def tiny_plan_tenant():
    Plan.objects.create(code="tiny", name="Tiny", rate_limit_per_minute=3, monthly_quota=5)
    tenant = Tenant.objects.create(name="Tiny Co", slug="tiny-co")
    services.plan_assign(tenant=tenant, plan_code="tiny")
    return tenant


def request_for(tenant):
    return SimpleNamespace(auth=SimpleNamespace(tenant_id=tenant.pk))


def test_the_rate_throttle_refuses_past_the_plan_limit_with_retry_after(tiny_plan_tenant):
    throttle = PlanRateThrottle()
    request = request_for(tiny_plan_tenant)
    assert all(throttle.allow_request(request, None) for _ in range(3))
    with pytest.raises(APIError) as info:
        throttle.allow_request(request, None)
    assert info.value.status_code == 429
    assert info.value.code == "rate_limited"
    assert 1 <= int(info.value.headers["Retry-After"]) <= 61


def test_the_rate_limit_is_per_tenant(tiny_plan_tenant):
    other = Tenant.objects.create(name="Other", slug="other")
    services.plan_assign(tenant=other, plan_code="tiny")
    throttle = PlanRateThrottle()
    for _ in range(3):
        throttle.allow_request(request_for(tiny_plan_tenant), None)
    assert throttle.allow_request(request_for(other), None)


def test_the_quota_throttle_refuses_once_the_month_is_used_up(tiny_plan_tenant):
    throttle = MonthlyQuotaThrottle()
    request = request_for(tiny_plan_tenant)
    services.usage_quota_count(tenant_id=tiny_plan_tenant.pk, units=4)
    assert throttle.allow_request(request, None)
    services.usage_quota_count(tenant_id=tiny_plan_tenant.pk)
    with pytest.raises(APIError) as info:
        throttle.allow_request(request, None)
    assert info.value.code == "quota_exceeded"
    assert int(info.value.headers["Retry-After"]) >= 1


def test_unlimited_plans_have_no_quota(tiny_plan_tenant):
    services.plan_assign(tenant=tiny_plan_tenant, plan_code="enterprise")
    services.usage_quota_count(tenant_id=tiny_plan_tenant.pk, units=10_000_000)
    assert MonthlyQuotaThrottle().allow_request(request_for(tiny_plan_tenant), None)


def check_both(request) -> None:
    """What DRF does for a metered view: the rate throttle, then the quota throttle."""
    PlanRateThrottle().allow_request(request, None)
    MonthlyQuotaThrottle().allow_request(request, None)


def test_both_throttles_share_one_redis_round_trip(tiny_plan_tenant, monkeypatch):
    check_both(request_for(tiny_plan_tenant))  # cold: caches the plan limits
    with counting_round_trips(monkeypatch) as trips:
        check_both(request_for(tiny_plan_tenant))
    assert trips.calls == ["EVALSHA"]


def test_the_quota_throttle_after_the_rate_throttle_sees_the_metered_month(tiny_plan_tenant):
    services.usage_quota_count(tenant_id=tiny_plan_tenant.pk, units=5)
    with pytest.raises(APIError) as info:
        check_both(request_for(tiny_plan_tenant))
    assert info.value.code == "quota_exceeded"


@pytest.fixture
def local_memory_cache(settings):
    """The embedded default: no Redis, the Django cache API over process memory."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "billing-throttle-tests"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_without_redis_the_rate_limit_holds_through_the_cache_api(local_memory_cache, tiny_plan_tenant):
    request = request_for(tiny_plan_tenant)
    for _ in range(3):
        check_both(request)
    with pytest.raises(APIError) as info:
        check_both(request)
    assert info.value.code == "rate_limited"


def meter(tenant, units: int) -> None:
    """What an answered call does: its unit stored with the audit row, then counted for the quota."""
    services.usage_units_add(counts={(tenant.pk, "tokenguard", datetime.now(UTC).date()): units})
    services.usage_quota_count(tenant_id=tenant.pk, units=units)


def test_without_redis_the_quota_holds_through_the_cache_api(local_memory_cache, tiny_plan_tenant):
    meter(tiny_plan_tenant, 4)
    check_both(request_for(tiny_plan_tenant))
    meter(tiny_plan_tenant, 1)
    with pytest.raises(APIError) as info:
        check_both(request_for(tiny_plan_tenant))
    assert info.value.code == "quota_exceeded"
    assert services.plan_limits_get(tenant_id=tiny_plan_tenant.pk).plan == "tiny"


def test_redis_down_fails_open_on_per_process_windows_by_default(tiny_plan_tenant, redis_down):
    request = request_for(tiny_plan_tenant)
    for _ in range(3):
        check_both(request)  # admitted although Redis is unreachable
    with pytest.raises(APIError) as info:
        check_both(request)  # the plan's limit still holds in this process
    assert info.value.code == "rate_limited"


def test_redis_down_keeps_the_quota_from_the_stored_units(tiny_plan_tenant, redis_down):
    meter(tiny_plan_tenant, 5)
    with pytest.raises(APIError) as info:
        check_both(request_for(tiny_plan_tenant))
    assert info.value.code == "quota_exceeded"


def test_redis_down_fails_closed_with_a_503_when_configured(tiny_plan_tenant, redis_down, settings):
    settings.THROTTLE_FAIL_OPEN = False
    with pytest.raises(APIError) as info:
        check_both(request_for(tiny_plan_tenant))
    assert (info.value.status_code, info.value.code) == (503, "rate_limit_unavailable")
    assert int(info.value.headers["Retry-After"]) >= 1
