"""The tenant page: members, keys (issue, revoke), subscription and plan, guard configs, usage this month."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import APIKey
from accounts.services import api_key_issue
from console.selectors import month_start, tenant_daily_usage
from guards.models import GuardRequest

pytestmark = pytest.mark.django_db


def _url(tenant) -> str:
    return f"/admin/accounts/tenant/{tenant.pk}/change/"


def test_the_page_shows_keys_subscription_configs_and_an_issue_link(admin_client, tenant) -> None:
    key, _ = api_key_issue(tenant=tenant, name="production")
    page = admin_client.get(_url(tenant)).content.decode()
    assert f"/admin/accounts/apikey/add/?tenant={tenant.pk}" in page
    assert f"/admin/console/keys/{key.pk}/revoke/" in page
    plan = tenant.subscription.plan
    assert f'<a href="/admin/billing/plan/{plan.pk}/change/">{plan}</a>' in page  # the subscription inline
    assert page.count("/admin/guards/tenantguardconfig/") >= 6  # a link to each guard's schema form
    assert 'id="tenant-usage"' in page
    try_link = f"/admin/console/try-guard/?tenant={tenant.pk}&amp;guard=securityguard"
    assert try_link in page
    form = admin_client.get(try_link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{tenant.pk}" selected>' in form and '<option value="securityguard" selected>' in form


def test_the_add_page_takes_the_tenant_from_the_issue_link(admin_client, tenant) -> None:
    page = admin_client.get(f"/admin/accounts/apikey/add/?tenant={tenant.pk}").content.decode()
    assert f'<option value="{tenant.pk}" selected>' in page


def test_revoking_from_the_tenant_page_asks_then_revokes_and_logs(admin_client, tenant) -> None:
    key, _ = api_key_issue(tenant=tenant, name="production")
    url = f"/admin/console/keys/{key.pk}/revoke/"
    assert "Yes, revoke it" in admin_client.get(url).content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None  # a GET only asks
    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"] == _url(tenant)
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert LogEntry.objects.filter(object_id=str(key.pk), change_message="Revoked.").exists()


def test_support_cannot_revoke(client, django_user_model, tenant) -> None:
    key, _ = api_key_issue(tenant=tenant, name="production")
    user = django_user_model.objects.create_user(username="s@example.com", password="pw-123-long-enough",
                                                 is_staff=True)
    user.groups.add(Group.objects.get(name="support"))
    client.force_login(user)
    assert client.get(_url(tenant)).status_code == 200
    assert client.post(f"/admin/console/keys/{key.pk}/revoke/").status_code == 403
    assert APIKey.objects.get(pk=key.pk).revoked_at is None


def test_usage_this_month_counts_per_day_and_guard(admin_client, tenant) -> None:
    now = timezone.now()
    start = month_start(now)
    def row(guard: str, when, decision: str = "allow") -> GuardRequest:
        return GuardRequest(request_id="r", tenant=tenant, guard=guard, outcome="success", decision=decision,
                            latency_ms=1.0, created_at=when)
    GuardRequest.objects.bulk_create([
        row("securityguard", start + timedelta(minutes=5), "block"), row("securityguard", start + timedelta(hours=1)),
        row("biasguard", start + timedelta(minutes=1), "flag"), row("biasguard", start - timedelta(minutes=1)),
    ])
    usage = tenant_daily_usage(tenant_id=tenant.pk, since=start)
    assert [(u.day, u.guard, u.requests, u.blocks, u.flags) for u in usage] == [
        (start.date(), "biasguard", 1, 0, 1), (start.date(), "securityguard", 2, 1, 0)]
    page = admin_client.get(_url(tenant)).content.decode()
    assert f"<title>{start.date().isoformat()} securityguard: 2 requests, 1 blocked, 0 flagged</title>" in page
