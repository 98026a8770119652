"""A tenant's whole billing life through the API, signed webhooks and report_usage, on the fake Stripe."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from billing import services
from billing.models import Plan, Subscription, UsageRecord
from billing.services.keys import now
from billing.services.reporting import usage_report

pytestmark = pytest.mark.django_db
SECRET = "whsec_e2e_0123456789"


def webhook(client, event_type: str, obj: dict, event_id: str) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"id": event_id, "object": "event", "type": event_type, "created": int(time.time()),
                       "data": {"object": obj}})
    header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
    response = client.post("/api/v1/webhooks/stripe", data=body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 200, response.content


def test_checkout_to_paid_plan_to_usage_reported(admin_a, fake_stripe, client, settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")
    link = admin_a.client.post("/api/v1/billing/checkout", {"plan": "pro"}, format="json").json()
    [session] = fake_stripe.sessions
    assert link["session_id"] == session["id"]
    # Stripe completes the session and creates the subscription; both arrive as signed webhooks.
    webhook(client, "checkout.session.completed",
            {"object": "checkout.session", "id": session["id"], "customer": session["customer"],
             "subscription": "sub_e2e", "client_reference_id": session["client_reference_id"],
             "metadata": session["metadata"]}, "evt_1")
    webhook(client, "customer.subscription.created",
            {"object": "subscription", "id": "sub_e2e", "customer": session["customer"], "status": "active",
             "metadata": session["metadata"], "items": {"data": [{"price": {"id": "price_pro"}}]}}, "evt_2")
    sub = Subscription.objects.get(tenant=admin_a.tenant)
    assert (sub.plan.code, sub.stripe_subscription_id, sub.stripe_customer_id) == ("pro", "sub_e2e",
                                                                                   session["customer"])
    assert services.plan_limits_get(tenant_id=admin_a.tenant.pk).plan == "pro"
    UsageRecord.objects.create(tenant=admin_a.tenant, guard="securityguard", day=now().date(), units=25)
    [outcome] = usage_report()
    assert outcome.status == "sent"
    assert fake_stripe.metered_total(session["customer"]) == 25
    overview = admin_a.client.get("/api/v1/billing").json()
    assert (overview["plan"]["code"], overview["usage_total"], overview["has_billing_account"]) == ("pro", 25, True)
    # a second checkout is refused while the subscription is live; the portal is the way to change
    assert admin_a.client.post("/api/v1/billing/checkout", {"plan": "pro"},
                               format="json").json()["error"]["code"] == "subscription_exists"
