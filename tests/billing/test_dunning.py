"""Dunning: a failed payment keeps the paid limits for BILLING_GRACE_DAYS, then the default
plan's; a paid invoice restores them; events delivered out of order never undo newer state."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from billing import services
from billing.models import Plan, StripeEvent, Subscription
from billing.services import plans

pytestmark = pytest.mark.django_db

SECRET = "whsec_dunning_0123456789"
URL = "/api/v1/webhooks/stripe"
T0 = int(time.time()) - 3600  # event times: an hour ago onwards


@pytest.fixture(autouse=True)
def _webhooks(settings):  # type: ignore[no-untyped-def]
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.BILLING_GRACE_DAYS = 3


@pytest.fixture
def paying(tenant):  # type: ignore[no-untyped-def]
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")
    Subscription.objects.filter(tenant=tenant).update(
        plan=Plan.objects.get(code="pro"), stripe_customer_id="cus_acme", stripe_subscription_id="sub_acme")
    return tenant


def deliver(client, event_type: str, obj: dict, *, created: int, event_id: str):  # type: ignore[no-untyped-def]
    body = json.dumps({"id": event_id, "object": "event", "type": event_type, "created": created,
                       "data": {"object": obj}})
    header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
    response = client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 200, response.content
    return response.json()


def invoice(**extra):  # type: ignore[no-untyped-def]
    return {"object": "invoice", "id": "in_1", "customer": "cus_acme", "subscription": "sub_acme", **extra}


def subscription(status: str, **extra):  # type: ignore[no-untyped-def]
    return {"object": "subscription", "id": "sub_acme", "customer": "cus_acme", "status": status,
            "items": {"data": [{"price": {"id": "price_pro"}}]}, **extra}


def at(moment: datetime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(plans, "now", lambda: moment)


def test_a_failed_payment_keeps_the_paid_limits_through_the_grace_period_then_falls_back(client, paying,
                                                                                         monkeypatch):
    deliver(client, "invoice.payment_failed", invoice(), created=T0, event_id="evt_fail")
    sub = Subscription.objects.get(tenant=paying)
    failed_at = datetime.fromtimestamp(T0, tz=UTC)
    assert (sub.status, sub.past_due_since, sub.plan.code) == ("past_due", failed_at, "pro")
    at(failed_at + timedelta(days=3) - timedelta(minutes=1), monkeypatch)
    assert services.plan_limits_get(tenant_id=paying.pk).plan == "pro"
    at(failed_at + timedelta(days=3, seconds=1), monkeypatch)
    services.limits_invalidate(tenant_id=paying.pk)  # the Redis TTL cannot see the moved clock
    assert services.plan_limits_get(tenant_id=paying.pk).plan == "free"
    assert Subscription.objects.get(tenant=paying).plan.code == "pro"  # still subscribed; just not paid up


def test_the_cached_limits_expire_when_the_grace_period_ends(client, paying, settings):
    settings.BILLING_GRACE_DAYS = 1
    deliver(client, "invoice.payment_failed", invoice(), created=int(time.time()) - 86400 + 100, event_id="evt_f")
    services.limits_invalidate(tenant_id=paying.pk)
    assert services.plan_limits_get(tenant_id=paying.pk).plan == "pro"
    ttl = plans.redis_client().ttl(plans.limits_key(paying.pk))
    assert 0 < ttl <= 101  # not the usual LIMITS_TTL: the paid limits end in ~100 s


def test_a_paid_invoice_restores_the_plan_and_ends_the_grace_period(client, paying, monkeypatch):
    deliver(client, "invoice.payment_failed", invoice(), created=T0, event_id="evt_fail")
    at(datetime.fromtimestamp(T0, tz=UTC) + timedelta(days=10), monkeypatch)
    assert services.plan_limits_get(tenant_id=paying.pk).plan == "free"
    deliver(client, "invoice.paid", invoice(), created=T0 + 60, event_id="evt_paid")
    sub = Subscription.objects.get(tenant=paying)
    assert (sub.status, sub.past_due_since) == ("active", None)
    assert services.plan_limits_get(tenant_id=paying.pk).plan == "pro"


def test_repeated_failures_do_not_restart_the_grace_period(client, paying):
    deliver(client, "invoice.payment_failed", invoice(), created=T0, event_id="evt_f1")
    deliver(client, "customer.subscription.updated", subscription("past_due"), created=T0 + 5, event_id="evt_s")
    deliver(client, "invoice.payment_failed", invoice(), created=T0 + 600, event_id="evt_f2")
    assert Subscription.objects.get(tenant=paying).past_due_since == datetime.fromtimestamp(T0, tz=UTC)


def test_an_older_failure_delivered_after_the_payment_is_not_applied(client, paying):
    deliver(client, "invoice.paid", invoice(), created=T0 + 60, event_id="evt_paid")
    answer = deliver(client, "invoice.payment_failed", invoice(), created=T0, event_id="evt_fail")
    assert answer["status"] == "stale"
    sub = Subscription.objects.get(tenant=paying)
    assert (sub.status, sub.past_due_since) == ("active", None)
    row = StripeEvent.objects.get(event_id="evt_fail")
    assert (row.status, row.error.split(":")[0]) == ("ignored", "stale")


def test_an_old_cancellation_never_cancels_the_newer_subscription(client, paying):
    deliver(client, "customer.subscription.created", subscription("active", id="sub_new"), created=T0 + 60,
            event_id="evt_new")
    assert deliver(client, "customer.subscription.deleted", subscription("canceled"), created=T0,
                   event_id="evt_old")["status"] == "stale"
    # even delivered later than the new one was created, the old subscription's end is not the tenant's
    assert deliver(client, "customer.subscription.deleted", subscription("canceled"), created=T0 + 120,
                   event_id="evt_old2")["status"] == "stale"
    sub = Subscription.objects.get(tenant=paying)
    assert (sub.status, sub.plan.code, sub.stripe_subscription_id) == ("active", "pro", "sub_new")


def test_an_update_older_than_the_state_is_skipped(client, paying):
    deliver(client, "customer.subscription.updated", subscription("active"), created=T0 + 100, event_id="evt_b")
    deliver(client, "customer.subscription.updated", subscription("past_due"), created=T0 + 50, event_id="evt_a")
    assert Subscription.objects.get(tenant=paying).status == "active"


def test_a_canceled_subscription_is_not_revived_by_an_invoice_event(client, paying):
    deliver(client, "customer.subscription.deleted", subscription("canceled"), created=T0, event_id="evt_del")
    deliver(client, "invoice.paid", invoice(), created=T0 + 10, event_id="evt_paid")
    deliver(client, "invoice.payment_failed", invoice(), created=T0 + 20, event_id="evt_fail")
    sub = Subscription.objects.get(tenant=paying)
    assert (sub.status, sub.plan.code) == ("canceled", "free")


def test_invoices_of_another_subscription_or_none_do_not_move_the_state(client, paying):
    answer = deliver(client, "invoice.payment_failed", invoice(subscription="sub_old"), created=T0, event_id="e1")
    assert answer["status"] == "stale"
    one_off = {k: v for k, v in invoice().items() if k != "subscription"}
    assert deliver(client, "invoice.payment_failed", one_off, created=T0 + 1, event_id="e2")["status"] == "stale"
    assert Subscription.objects.get(tenant=paying).status == "active"
    # newer API versions name the subscription under parent.subscription_details
    newer = {**one_off, "parent": {"type": "subscription_details",
                                   "subscription_details": {"subscription": "sub_acme"}}}
    assert deliver(client, "invoice.payment_failed", newer, created=T0 + 2, event_id="e3")["status"] == "processed"
    assert Subscription.objects.get(tenant=paying).status == "past_due"
