"""Billing admin: reprocessing Stripe events, usage per tenant with the reported/unreported split."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import User
from billing.models import Plan, StripeEvent, Subscription, UsageRecord, UsageReport
from billing.services.keys import now
from tests.fixtures.accounts import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):  # type: ignore[no-untyped-def]
    client.force_login(User.objects.create_superuser(username="root", email="root@example.com", password=None))
    return client


def test_reprocess_applies_a_failed_event_once_its_cause_is_fixed(operator, tenant):
    Subscription.objects.filter(tenant=tenant).update(stripe_customer_id="cus_acme")
    event = {"id": "evt_1", "type": "customer.subscription.updated", "created": 1_900_000_000,
             "data": {"object": {"object": "subscription", "id": "sub_1", "customer": "cus_acme", "status": "active",
                                 "items": {"data": [{"price": {"id": "price_new"}}]}}}}
    row = StripeEvent.objects.create(event_id="evt_1", event_type=event["type"], payload=event, status="failed",
                                     error="DoesNotExist: Plan matching query does not exist.", attempts=1)
    url = reverse("admin:billing_stripeevent_changelist")
    response = operator.post(url, {"action": "reprocess", "_selected_action": [row.pk]}, follow=True)
    assert "1 failed" in response.content.decode()
    assert StripeEvent.objects.get(pk=row.pk).status == "failed"
    Plan.objects.filter(code="pro").update(stripe_price_id="price_new")  # the operator adds the price
    response = operator.post(url, {"action": "reprocess", "_selected_action": [row.pk]}, follow=True)
    assert "1 processed" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("succeeded", 3)
    assert Subscription.objects.get(tenant=tenant).plan.code == "pro"
    response = operator.post(url, {"action": "reprocess", "_selected_action": [row.pk]}, follow=True)
    assert "1 duplicate" in response.content.decode()  # applied events are not applied again


def test_a_delivery_that_was_never_usable_is_reported_not_applied(operator):
    row = StripeEvent.objects.create(event_id="body:abc", event_type="", payload={"unusable_body": "{"},
                                     status="failed", error="malformed_json: Body is not JSON.", attempts=1)
    response = operator.post(reverse("admin:billing_stripeevent_changelist"),
                             {"action": "reprocess", "_selected_action": [row.pk]}, follow=True)
    assert "cannot be applied" in response.content.decode()


def test_tenant_usage_shows_period_totals_and_the_reported_split(operator, tenant, other_tenant):
    today = now().date()
    first = date(today.year, today.month, 1)
    UsageRecord.objects.create(tenant=tenant, guard="securityguard", day=today, units=50, reported_units=20)
    UsageRecord.objects.create(tenant=tenant, guard="tokenguard", day=first, units=7, reported_units=7)
    UsageRecord.objects.create(tenant=tenant, guard="tokenguard", day=first - timedelta(days=1), units=9)  # last month
    UsageRecord.objects.create(tenant=other_tenant, guard="securityguard", day=today, units=3)
    response = operator.get(reverse("admin:billing_tenantusage_changelist"))
    assert response.status_code == 200
    rows = {row.slug: row for row in response.context["cl"].result_list}
    acme = rows["acme"]
    assert (acme.period_units_sum, acme.period_reported_sum) == (57, 27)
    assert (acme.all_units_sum - acme.all_reported_sum) == 39
    assert rows["globex"].period_units_sum == 3
    html = response.content.decode()
    assert "unreported this month" in html.lower()


def test_usage_records_filter_by_unreported(operator, tenant):
    UsageRecord.objects.create(tenant=tenant, guard="securityguard", day=now().date(), units=5, reported_units=5)
    UsageRecord.objects.create(tenant=tenant, guard="tokenguard", day=now().date(), units=5, reported_units=1)
    response = operator.get(reverse("admin:billing_usagerecord_changelist") + "?reported=no")
    assert [r.guard for r in response.context["cl"].result_list] == ["tokenguard"]


def test_usage_reports_are_listed_read_only(operator):
    tenant = TenantFactory(slug="rep")
    report = UsageReport.objects.create(tenant=tenant, day=now().date(), batch=1, identifier="aig-x-1",
                                        stripe_customer_id="cus_x", units=4, guards={"securityguard": 4})
    assert operator.get(reverse("admin:billing_usagereport_changelist")).status_code == 200
    page = operator.get(reverse("admin:billing_usagereport_change", args=[report.pk])).content.decode()
    assert "aig-x-1" in page and 'name="units"' not in page


def test_stripe_events_are_browsable_by_tenant(operator, tenant, other_tenant):
    Subscription.objects.filter(tenant=tenant).update(stripe_customer_id="cus_acme")
    Subscription.objects.filter(tenant=other_tenant).update(stripe_customer_id="cus_other")

    def event(event_id: str, obj: dict) -> None:
        StripeEvent.objects.create(event_id=event_id, event_type="x", payload={"id": event_id, "data": {"object": obj}})

    event("evt_invoice_acme", {"object": "invoice", "customer": "cus_acme"})
    event("evt_customer_acme", {"object": "customer", "id": "cus_acme"})
    event("evt_checkout_acme", {"object": "checkout.session", "customer": None,
                                "metadata": {"tenant_id": str(tenant.pk)}})
    event("evt_invoice_other", {"object": "invoice", "customer": "cus_other"})
    url = reverse("admin:billing_stripeevent_changelist")
    page = operator.get(url, {"tenant": tenant.pk}).content.decode()
    assert all(e in page for e in ("evt_invoice_acme", "evt_customer_acme", "evt_checkout_acme"))
    assert "evt_invoice_other" not in page
    page = operator.get(url, {"tenant": other_tenant.pk}).content.decode()
    assert "evt_invoice_other" in page and "evt_invoice_acme" not in page
    assert operator.get(url, {"tenant": "nonsense"}).status_code == 200  # a bad value matches nothing, no error
