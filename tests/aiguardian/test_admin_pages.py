"""Every admin page an operator uses renders: changelists, add forms, change forms, search."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_key_issue
from billing.models import StripeEvent, UsageRecord
from guards.models import GuardBackend, GuardRequest
from tests.fixtures.accounts import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def populated(db):
    """At least one row of every admin-registered model, created the way the product does."""
    tenant = TenantFactory()
    api_key_issue(tenant=tenant, name="ops")
    GuardBackend.objects.create(name="remote-security", kind="http", base_url="http://127.0.0.1:9/")
    GuardRequest.objects.create(request_id="r-1", tenant=tenant, guard="tokenguard", outcome="success",
                                latency_ms=1.0, created_at=timezone.now())
    UsageRecord.objects.create(tenant=tenant, guard="tokenguard", day="2026-11-01", units=3)
    StripeEvent.objects.create(event_id="evt_1", event_type="invoice.paid", payload={})
    return tenant


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_every_changelist_add_and_change_page_renders(admin_client, populated):
    checked = 0
    for model, model_admin in _registered():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, (opts.label, response.status_code)
        assert admin_client.get(changelist, {"q": "x"}).status_code == 200, opts.label
        if model_admin.has_add_permission(_request(admin_client)):
            add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
            assert add.status_code == 200, (opts.label, "add", add.status_code)
        instance = model._default_manager.first()
        if instance is not None:
            change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
            assert change.status_code == 200, (opts.label, "change", change.status_code)
        checked += 1
    assert checked >= 10


def _request(admin_client):
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="admin")
    return request


def test_the_admin_login_page_and_its_static_files_are_served(client):
    page = client.get("/admin/login/")
    assert page.status_code == 200
    css = client.get("/static/admin/css/base.css")
    assert css.status_code == 200
