"""The admin is branded, and the support role can look at keys and plans but not change them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.services import api_key_issue
from billing.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    def make(group: str):
        user = django_user_model.objects.create_user(username=f"{group}@example.com", password="pw-123-long-enough",
                                                     is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user
    return make


def test_the_admin_is_branded_and_view_site_leads_to_the_docs(admin_client) -> None:
    page = admin_client.get("/admin/").content.decode()
    assert "AIGuardian operator console" in page
    assert "Django administration" not in page
    assert 'href="/docs"' in page


def test_a_support_user_can_view_but_not_change_a_key_or_a_plan(client, staff, tenant) -> None:
    key, _ = api_key_issue(tenant=tenant, name="ops")
    plan = Plan.objects.first()
    client.force_login(staff("support"))
    key_url, plan_url = f"/admin/accounts/apikey/{key.pk}/change/", f"/admin/billing/plan/{plan.pk}/change/"
    assert client.get(key_url).status_code == 200
    assert client.get(plan_url).status_code == 200
    assert client.post(key_url, {"name": "renamed", "scopes_text": ""}).status_code == 403
    assert client.post(plan_url, {"name": "free-for-all"}).status_code == 403
    assert client.get("/admin/accounts/apikey/add/").status_code == 403
    key.refresh_from_db()
    plan.refresh_from_db()
    assert key.name == "ops" and plan.name != "free-for-all"


def test_an_operator_can_change_a_key_and_the_change_is_in_the_admin_log(client, staff, tenant) -> None:
    from django.contrib.admin.models import LogEntry

    key, _ = api_key_issue(tenant=tenant, name="ops")
    client.force_login(staff("operator"))
    response = client.post(f"/admin/accounts/apikey/{key.pk}/change/", {"name": "renamed", "scopes_text": ""})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.name == "renamed"
    assert LogEntry.objects.filter(object_id=str(key.pk), action_flag=2).exists()


def test_support_has_no_write_permission_at_all() -> None:
    support = Group.objects.get(name="support")
    codenames = set(support.permissions.values_list("codename", flat=True))
    assert "view_apikey" in codenames and "view_plan" in codenames and "view_guardrequest" in codenames
    assert not [c for c in codenames if not c.startswith("view_")]
    operator = set(Group.objects.get(name="operator").permissions.values_list("codename", flat=True))
    assert {"add_apikey", "change_plan", "change_tenantguardconfig"} <= operator
