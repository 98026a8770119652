"""Plan rate limit and monthly quota throttles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from accounts.models import Tenant
from aiguardian.api import APIError
from billing import services
from billing.models import Plan
from billing.throttling import MonthlyQuotaThrottle, PlanRateThrottle
from tests.support.redis_trips import counting_round_trips

pytestmark = pytest.mark.django_db


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
    services.usage_record(tenant_id=tiny_plan_tenant.pk, guard="tokenguard", units=4)
    assert throttle.allow_request(request, None)
    services.usage_record(tenant_id=tiny_plan_tenant.pk, guard="tokenguard")
    with pytest.raises(APIError) as info:
        throttle.allow_request(request, None)
    assert info.value.code == "quota_exceeded"
    assert int(info.value.headers["Retry-After"]) >= 1


def test_unlimited_plans_have_no_quota(tiny_plan_tenant):
    services.plan_assign(tenant=tiny_plan_tenant, plan_code="enterprise")
    services.usage_record(tenant_id=tiny_plan_tenant.pk, guard="tokenguard", units=10_000_000)
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
    services.usage_record(tenant_id=tiny_plan_tenant.pk, guard="tokenguard", units=5)
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


def test_without_redis_the_quota_holds_through_the_cache_api(local_memory_cache, tiny_plan_tenant):
    services.usage_record(tenant_id=tiny_plan_tenant.pk, guard="tokenguard", units=4)
    check_both(request_for(tiny_plan_tenant))
    services.usage_record(tenant_id=tiny_plan_tenant.pk, guard="tokenguard")
    with pytest.raises(APIError) as info:
        check_both(request_for(tiny_plan_tenant))
    assert info.value.code == "quota_exceeded"
    assert services.plan_limits_get(tenant_id=tiny_plan_tenant.pk).plan == "tiny"
