"""Self-service billing: status, Checkout and the Customer Portal, against the fake Stripe."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from billing.models import Plan, Subscription, UsageRecord
from billing.services.keys import now
from tests.fixtures.accounts import issue_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def paid_plans(db):  # type: ignore[no-untyped-def]
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")
    Plan.objects.filter(code="enterprise").update(stripe_price_id="price_ent")


def test_checkout_creates_a_customer_with_the_tenant_in_metadata_and_a_session_for_the_plan_price(
        admin_a, fake_stripe):
    response = admin_a.client.post("/api/v1/billing/checkout", {"plan": "pro"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["url"].startswith("https://checkout.stripe.test/")
    [customer_call] = fake_stripe.calls("POST", "/v1/customers")
    assert customer_call.params["metadata"] == {"tenant_id": str(admin_a.tenant.pk), "tenant": "acme"}
    [session] = fake_stripe.sessions
    customer_id = Subscription.objects.get(tenant=admin_a.tenant).stripe_customer_id
    assert session["customer"] == customer_id
    assert session["line_items"] == [{"price": "price_pro"}]
    assert session["mode"] == "subscription"
    assert session["client_reference_id"] == "acme"
    assert session["metadata"]["tenant_id"] == str(admin_a.tenant.pk)
    assert session["success_url"].startswith("https://app.example.test/billing?checkout=success")
    assert "{CHECKOUT_SESSION_ID}" in session["success_url"]
    # every write carried an idempotency key
    assert all(r.headers.get("idempotency-key") for r in fake_stripe.requests if r.method == "POST")


def test_a_second_checkout_reuses_the_customer(admin_a, fake_stripe):
    admin_a.client.post("/api/v1/billing/checkout", {"plan": "pro"}, format="json")
    admin_a.client.post("/api/v1/billing/checkout", {"plan": "enterprise"}, format="json")
    assert len(fake_stripe.customers) == 1
    assert [s["line_items"][0]["price"] for s in fake_stripe.sessions] == ["price_pro", "price_ent"]
    assert {s["customer"] for s in fake_stripe.sessions} == set(fake_stripe.customers)


def test_checkout_refuses_a_plan_without_a_stripe_price(admin_a, fake_stripe):
    response = admin_a.client.post("/api/v1/billing/checkout", {"plan": "free"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert "pro" in response.json()["error"]["fields"]["plan"][0]
    assert not fake_stripe.requests


def test_checkout_is_refused_while_a_subscription_is_live(admin_a, fake_stripe):
    Subscription.objects.filter(tenant=admin_a.tenant).update(stripe_subscription_id="sub_1", status="active")
    response = admin_a.client.post("/api/v1/billing/checkout", {"plan": "pro"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "subscription_exists"


def test_portal_returns_a_session_url_for_the_tenants_customer(admin_a, fake_stripe):
    response = admin_a.client.post("/api/v1/billing/portal")
    assert response.status_code == 200, response.content
    [session] = fake_stripe.portal_sessions
    assert response.json()["url"] == f"https://billing.stripe.test/p/session/{session['id']}"
    assert session["customer"] == Subscription.objects.get(tenant=admin_a.tenant).stripe_customer_id
    assert session["return_url"] == "https://app.example.test/billing"


def test_each_tenant_gets_its_own_customer_and_sessions(admin_a, admin_b, fake_stripe):
    admin_a.client.post("/api/v1/billing/portal")
    admin_b.client.post("/api/v1/billing/portal")
    a = Subscription.objects.get(tenant=admin_a.tenant).stripe_customer_id
    b = Subscription.objects.get(tenant=admin_b.tenant).stripe_customer_id
    assert a and b and a != b
    assert [s["customer"] for s in fake_stripe.portal_sessions] == [a, b]


@pytest.mark.parametrize(("path", "method"), [("/api/v1/billing/checkout", "post"), ("/api/v1/billing/portal", "post")])
@pytest.mark.parametrize("switch", ["disabled", "no_key"])
def test_stripe_switched_off_answers_503_billing_not_configured(admin_a, settings, path, method, switch):
    settings.STRIPE_ENABLED = switch != "disabled"
    settings.STRIPE_API_KEY = "" if switch == "no_key" else "sk_test_x"
    response = getattr(admin_a.client, method)(path, {"plan": "pro"}, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "billing_not_configured"


def test_status_still_answers_with_stripe_off(admin_a, settings):
    settings.STRIPE_ENABLED = False
    response = admin_a.client.get("/api/v1/billing")
    assert response.status_code == 200
    assert response.json()["billing_enabled"] is False


def test_stripe_down_answers_503_with_retry_after(admin_a, fake_stripe, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    fake_stripe.fail("/v1/customers", times=5)
    response = admin_a.client.post("/api/v1/billing/portal")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "billing_provider_unavailable"
    assert response["Retry-After"] == "30"


def test_a_transient_stripe_500_is_retried_with_the_same_idempotency_key(admin_a, fake_stripe):
    fake_stripe.fail("/v1/customers", times=1, apply_first=True)  # created, but the answer is lost
    response = admin_a.client.post("/api/v1/billing/portal")
    assert response.status_code == 200, response.content
    calls = fake_stripe.calls("POST", "/v1/customers")
    assert len(calls) == 2 and calls[0].headers["idempotency-key"] == calls[1].headers["idempotency-key"]
    assert len(fake_stripe.customers) == 1  # the retry replayed, not a second customer


def test_status_shows_plan_usage_per_guard_and_quota_left_for_this_tenant_only(admin_a, admin_b):
    today = now().date()
    first = date(today.year, today.month, 1)
    UsageRecord.objects.create(tenant=admin_a.tenant, guard="securityguard", day=today, units=30)
    UsageRecord.objects.create(tenant=admin_a.tenant, guard="tokenguard", day=first, units=12)
    UsageRecord.objects.create(tenant=admin_b.tenant, guard="securityguard", day=today, units=500)
    body = admin_a.client.get("/api/v1/billing").json()
    assert body["plan"]["code"] == "free" and body["effective_plan"] == "free"
    assert body["status"] == "active"
    assert body["usage_by_guard"] == {"securityguard": 30, "tokenguard": 12}
    assert body["usage_total"] == 42
    assert body["quota_remaining"] == 10_000 - 42
    assert body["period_start"].startswith(f"{first:%Y-%m-01}")


def test_api_keys_and_members_cannot_use_billing(tenant, make_tenant_admin, fake_stripe):
    key = issue_key(tenant)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.raw}")
    response = client.post("/api/v1/billing/portal")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "api_key_not_allowed"
    member = make_tenant_admin(tenant, role="member")
    response = member.client.post("/api/v1/billing/checkout", {"plan": "pro"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_role"
    assert APIClient().get("/api/v1/billing").status_code == 401
    assert not fake_stripe.requests


def test_the_schema_documents_the_billing_operations_and_the_stripe_webhook_with_their_codes(client):
    paths = client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    checkout = paths["/api/v1/billing/checkout"]["post"]["responses"]
    assert {"200", "400", "401", "403", "409", "502", "503"} <= set(checkout)
    assert "billing_not_configured" in checkout["503"]["description"]
    assert {"200", "503"} <= set(paths["/api/v1/billing/portal"]["post"]["responses"])
    assert "200" in paths["/api/v1/billing"]["get"]["responses"]
    webhook = paths["/api/v1/webhooks/stripe"]["post"]["responses"]
    assert {"200", "400", "413", "503"} <= set(webhook)
    assert "invalid_signature" in webhook["400"]["description"]


def test_no_return_url_answers_503_before_calling_stripe(admin_a, fake_stripe, settings):
    settings.BILLING_RETURN_URL = ""
    response = admin_a.client.post("/api/v1/billing/checkout", {"plan": "pro"}, format="json")
    assert response.status_code == 503
    assert "BILLING_RETURN_URL" in response.json()["error"]["message"]
    assert not fake_stripe.requests
