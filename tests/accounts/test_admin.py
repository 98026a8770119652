"""Admin: the one-time key display, revoke action, tenant creation and read-only Clerk data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import APIKey, ClerkWebhookEvent, Tenant, User
from accounts.signals import tenant_created
from tests.fixtures.accounts import UserFactory, issue_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = User.objects.create_superuser(username="root", email="root@example.com", password=None)
    client.force_login(user)
    return client


def test_issuing_a_key_shows_the_secret_once_and_stores_only_its_hash(operator, tenant):
    response = operator.post(reverse("admin:accounts_apikey_add"), {
        "tenant": tenant.pk, "name": "from admin", "scopes_text": "securityguard, tokenguard", "expires_at_0": "",
        "expires_at_1": "",
    })
    assert response.status_code == 200, response.content[:2000]
    html = response.content.decode()
    key = APIKey.objects.get(name="from admin")
    raw = next(part for part in html.split('value="')[1:] if part.startswith(f"aig_{key.prefix}_")).split('"')[0]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert key.scopes == ["securityguard", "tokenguard"] and key.created_by.email == "root@example.com"
    page = operator.get(reverse("admin:accounts_apikey_change", args=[key.pk])).content.decode()
    assert raw not in page and key.prefix in page
    with connection.cursor() as cursor:  # not in a session, a message, the admin log: nowhere
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE row_to_json(t)::text LIKE %s',
                           [f"%{raw[len(f'aig_{key.prefix}_'):]}%"])  # the whole secret (it may hold "_")
            assert cursor.fetchone()[0] == 0, table


def test_the_revoke_action_revokes_through_the_service(operator, tenant):
    keys = [issue_key(tenant, name=f"k{i}") for i in range(2)]
    response = operator.post(reverse("admin:accounts_apikey_changelist"), {
        "action": "revoke_keys", "_selected_action": [k.model.pk for k in keys],
    })
    assert response.status_code == 302
    assert APIKey.objects.filter(revoked_at__isnull=False).count() == 2


def test_adding_a_tenant_in_the_admin_announces_it(operator):
    seen = []

    def listener(tenant, plan, **kwargs):
        seen.append(tenant.slug)

    tenant_created.connect(listener, dispatch_uid="test.admin")
    try:
        response = operator.post(reverse("admin:accounts_tenant_add"), {
            "name": "Hooli", "slug": "hooli", "is_active": "on",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0",
        })
    finally:
        tenant_created.disconnect(dispatch_uid="test.admin")
    assert response.status_code == 302, response.content[:3000]
    assert Tenant.objects.filter(slug="hooli").exists() and seen == ["hooli"]


def test_tenant_pages_list_search_and_show_members_and_keys(operator, tenant, other_tenant):
    issue_key(tenant, name="visible-key")
    listing = operator.get(reverse("admin:accounts_tenant_changelist"), {"q": "acme"}).content.decode()
    assert "Acme Corp" in listing and "Globex" not in listing
    page = operator.get(reverse("admin:accounts_tenant_change", args=[tenant.pk])).content.decode()
    assert "visible-key" in page and "memberships" in page


def test_clerk_users_are_read_only_where_clerk_owns_the_data(operator):
    clerk_user = UserFactory(clerk_user_id="user_ro", email="ro@example.com")
    page = operator.get(reverse("admin:accounts_user_change", args=[clerk_user.pk])).content.decode()
    assert 'name="email"' not in page and "ro@example.com" in page
    assert 'name="is_staff"' in page
    local = User.objects.create_user(username="local", email="local@example.com")
    assert 'name="email"' in operator.get(reverse("admin:accounts_user_change", args=[local.pk])).content.decode()


def test_webhook_events_are_read_only(operator):
    event = ClerkWebhookEvent.objects.create(svix_id="msg_1", event_type="user.created", payload={"a": 1})
    assert operator.get(reverse("admin:accounts_clerkwebhookevent_change", args=[event.pk])).status_code == 200
    assert operator.get(reverse("admin:accounts_clerkwebhookevent_add")).status_code == 403
    operator.post(reverse("admin:accounts_clerkwebhookevent_change", args=[event.pk]), {"status": "failed"})
    event.refresh_from_db()
    assert event.status == "received"


def test_clerk_events_are_browsable_by_tenant(operator, tenant, other_tenant):
    Tenant.objects.filter(pk=tenant.pk).update(clerk_org_id="org_acme")
    Tenant.objects.filter(pk=other_tenant.pk).update(clerk_org_id="org_other")

    def event(svix_id: str, event_type: str, data: dict) -> None:
        ClerkWebhookEvent.objects.create(svix_id=svix_id, event_type=event_type,
                                         payload={"type": event_type, "data": data})

    event("msg_org_acme", "organization.updated", {"id": "org_acme", "name": "Acme"})
    event("msg_member_acme", "organizationMembership.created", {"organization": {"id": "org_acme"}})
    event("msg_member_other", "organizationMembership.created", {"organization": {"id": "org_other"}})
    event("msg_user", "user.updated", {"id": "user_1"})
    url = reverse("admin:accounts_clerkwebhookevent_changelist")
    page = operator.get(url, {"tenant": tenant.pk}).content.decode()
    assert "msg_org_acme" in page and "msg_member_acme" in page
    assert "msg_member_other" not in page and "msg_user" not in page
    page = operator.get(url, {"tenant": other_tenant.pk}).content.decode()
    assert "msg_member_other" in page and "msg_org_acme" not in page
