"""Stripe webhooks, signed and verified with the real stripe library."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from accounts.models import Tenant
from billing import services
from billing.models import Plan, StripeEvent, Subscription

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_0123456789abcdef"
URL = "/api/v1/webhooks/stripe"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def acme():
    tenant = Tenant.objects.create(name="Acme", slug="acme")
    services.plan_assign(tenant=tenant)
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro_monthly")
    return tenant


def event(event_type: str, obj: dict, event_id: str = "evt_1") -> str:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}})


def post(client, body: str, *, secret: str = SECRET, timestamp: int | None = None, signature: str | None = None):
    header = signature or stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return client.post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def subscription_obj(**extra):
    return {"object": "subscription", "id": "sub_1", "customer": "cus_1", "status": "active",
            "metadata": {"tenant": "acme"}, "current_period_end": int(time.time()) + 86400 * 30,
            "items": {"data": [{"price": {"id": "price_pro_monthly"}}]}, **extra}


def test_a_signed_subscription_event_moves_the_tenant_to_the_paid_plan(client, acme):
    response = post(client, event("customer.subscription.created", subscription_obj()))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processed"
    sub = Subscription.objects.get(tenant=acme)
    assert (sub.plan.code, sub.status, sub.stripe_customer_id) == ("pro", "active", "cus_1")
    assert services.plan_limits_get(tenant_id=acme.pk).plan == "pro"


def test_checkout_then_cancellation_returns_the_tenant_to_the_default_plan(client, acme):
    post(client, event("checkout.session.completed",
                       {"object": "checkout.session", "client_reference_id": "acme", "customer": "cus_9",
                        "subscription": "sub_9"}, "evt_a"))
    post(client, event("customer.subscription.updated", subscription_obj(id="sub_9", customer="cus_9"), "evt_b"))
    assert services.plan_limits_get(tenant_id=acme.pk).plan == "pro"
    post(client, event("customer.subscription.deleted", subscription_obj(id="sub_9", customer="cus_9"), "evt_c"))
    sub = Subscription.objects.get(tenant=acme)
    assert (sub.plan.code, sub.status) == ("free", "canceled")


def test_a_failed_payment_marks_the_subscription_past_due(client, acme):
    post(client, event("customer.subscription.created", subscription_obj(), "evt_1"))
    post(client, event("invoice.payment_failed", {"object": "invoice", "customer": "cus_1", "subscription": "sub_1"},
                       "evt_2"))
    assert Subscription.objects.get(tenant=acme).status == "past_due"


def test_a_wrong_secret_is_rejected_and_changes_nothing(client, acme):
    response = post(client, event("customer.subscription.created", subscription_obj()), secret="whsec_other")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not StripeEvent.objects.exists()
    assert Subscription.objects.get(tenant=acme).plan.code == "free"


def test_a_tampered_body_is_rejected(client, acme):
    body = event("customer.subscription.created", subscription_obj())
    header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
    tampered = body.replace("price_pro_monthly", "price_enterprise")
    response = post(client, tampered, signature=header)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"


def test_a_stale_event_is_rejected_as_a_replay(client, acme):
    response = post(client, event("customer.subscription.created", subscription_obj()),
                    timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stale_timestamp"


def test_a_missing_signature_is_a_400(client, acme):
    response = client.post(URL, data=event("invoice.paid", {}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_signature"


def test_a_redelivered_event_is_applied_once(client, acme):
    body = event("customer.subscription.created", subscription_obj())
    assert post(client, body).json()["status"] == "processed"
    Subscription.objects.filter(tenant=acme).update(status="past_due")  # changed since
    again = post(client, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert Subscription.objects.get(tenant=acme).status == "past_due"  # not re-applied
    assert StripeEvent.objects.get(event_id="evt_1").attempts == 1


def test_unknown_event_types_are_stored_and_acknowledged(client, acme):
    response = post(client, event("customer.tax_id.created", {"object": "tax_id"}, "evt_tax"))
    assert response.status_code == 200
    assert StripeEvent.objects.get(event_id="evt_tax").status == "ignored"


def test_a_failing_handler_rolls_back_answers_503_and_succeeds_on_retry(client, acme):
    body = event("customer.subscription.updated",
                 subscription_obj(items={"data": [{"price": {"id": "price_unknown"}}]}), "evt_fail")
    response = post(client, body)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "event_processing_failed"
    row = StripeEvent.objects.get(event_id="evt_fail")
    assert row.status == "failed"
    assert "DoesNotExist" in row.error
    sub = Subscription.objects.get(tenant=acme)
    assert (sub.stripe_customer_id, sub.plan.code) == (None, "free")  # nothing half-applied
    Plan.objects.filter(code="enterprise").update(stripe_price_id="price_unknown")
    retry = post(client, body)
    assert retry.status_code == 200
    assert retry.json()["status"] == "processed"
    assert Subscription.objects.get(tenant=acme).plan.code == "enterprise"
