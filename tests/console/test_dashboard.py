"""The admin index is a dashboard: per-guard traffic, top tenants, backends, webhook failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ClerkWebhookEvent
from billing.models import StripeEvent, UsageRecord
from console.charts import guard_bars
from console.selectors import guard_stats
from guards.models import GuardBackend, GuardRequest
from tests.fixtures.accounts import TenantFactory

pytestmark = pytest.mark.django_db


def _req(tenant, guard: str, *, ago: timedelta, latency: float = 10.0, decision: str = "allow",
         outcome: str = "success") -> GuardRequest:
    return GuardRequest(request_id="r", tenant=tenant, guard=guard, outcome=outcome, decision=decision,
                        latency_ms=latency, created_at=timezone.now() - ago)


def test_guard_stats_count_each_window_separately(tenant) -> None:
    recent, old = timedelta(hours=1), timedelta(days=3)
    GuardRequest.objects.bulk_create(
        [_req(tenant, "securityguard", ago=recent, latency=float(i)) for i in range(1, 101)]
        + [_req(tenant, "securityguard", ago=recent, decision="block"),
           _req(tenant, "securityguard", ago=recent, decision="flag"),
           _req(tenant, "securityguard", ago=old, outcome="timeout", decision=""),
           _req(tenant, "biasguard", ago=timedelta(days=40))])
    now = timezone.now()
    day = {s.guard: s for s in guard_stats(since=now - timedelta(hours=24))}
    month = {s.guard: s for s in guard_stats(since=now - timedelta(days=30))}
    assert (day["securityguard"].requests, day["securityguard"].blocks, day["securityguard"].flags,
            day["securityguard"].errors) == (102, 1, 1, 0)
    assert day["securityguard"].p95_ms == pytest.approx(94.95)  # 1..100 ms and two 10 ms rows
    assert (month["securityguard"].requests, month["securityguard"].errors) == (103, 1)
    assert month["biasguard"].requests == 0 and month["biasguard"].p95_ms is None  # every guard listed


def test_the_index_shows_traffic_tenants_backends_and_webhook_failures(admin_client, tenant) -> None:
    other = TenantFactory(slug="busy-co")
    GuardRequest.objects.bulk_create([_req(tenant, "tokenguard", ago=timedelta(minutes=5), decision="block")])
    UsageRecord.objects.create(tenant=other, guard="tokenguard", day=timezone.now().date(), units=500)
    UsageRecord.objects.create(tenant=tenant, guard="tokenguard", day=timezone.now().date(), units=7)
    GuardBackend.objects.create(name="remote-sec", kind="http", base_url="http://127.0.0.1:9/")
    ClerkWebhookEvent.objects.create(svix_id="msg_1", event_type="user.created", payload={}, status="failed",
                                     error="tenant missing", attempts=3)
    StripeEvent.objects.create(event_id="evt_9", event_type="invoice.paid", payload={}, status="failed",
                               error="no subscription")
    page = admin_client.get("/admin/").content.decode()
    assert page.count("<svg class=\"console-chart\"") == 2 and "Requests per guard, last 24 hours" in page
    assert '<tr class="guard-tokenguard">' in page and "<title>tokenguard: 1 blocks</title>" in page
    assert page.index("busy-co") < page.index(">acme<")  # most usage first
    assert "remote-sec" in page and "not probed recently" in page and "breaker closed" in page
    assert "user.created" in page and "tenant missing" in page and "no subscription" in page
    assert "cdn" not in page.lower() and "<script src=\"http" not in page


def test_a_user_without_audit_view_rights_sees_no_dashboard(client, django_user_model) -> None:
    user = django_user_model.objects.create_user(username="s@example.com", password="pw-123-long-enough",
                                                 is_staff=True)
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "Last 24 hours" not in page


def test_bars_are_scaled_to_the_busiest_guard() -> None:
    from console.selectors import GuardStats

    svg = guard_bars([GuardStats("a", requests=100, blocks=50), GuardStats("b", requests=50)], width=380)
    # span = 380 - 110 - 70 = 200: a's blocks are half of the busiest bar, b's passed half too.
    assert 'width="100.0" height="16" fill="#ba2121"><title>a: 50 blocks' in svg
    assert 'width="100.0" height="16" fill="#79aec8"><title>b: 50 passed' in svg
    assert "<script" not in guard_bars([GuardStats("<script>", requests=1)])
