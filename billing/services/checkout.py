"""Self-service: a tenant starts paying (Checkout) or manages its billing (Customer Portal).

The tenant's Stripe customer is created once and kept on its :class:`Subscription`. Its
idempotency key is derived from the tenant, so two admins clicking at once (two
workers, two requests) get the same customer rather than two. The tenant's id and slug
travel in the customer's, the session's and the subscription's metadata; the
``checkout.session.completed`` webhook uses them to attach the subscription.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import Tenant
from billing.models import Plan, Subscription
from billing.services.plans import plan_assign
from billing.services.stripe_api import BillingNotConfigured, stripe_call, stripe_client, write_options

# A Stripe subscription in these states is live: a second Checkout would bill twice.
_LIVE = {Subscription.Status.ACTIVE, Subscription.Status.TRIALING, Subscription.Status.PAST_DUE}


class SubscriptionExists(Exception):
    """The tenant already pays through Stripe: plan changes go through the portal."""


@dataclass(frozen=True, slots=True)
class SessionLink:
    url: str
    session_id: str


def _return_url(**query: str) -> str:
    base = settings.BILLING_RETURN_URL
    if not base:
        raise BillingNotConfigured("Billing is not configured: set BILLING_RETURN_URL (the app's billing page).")
    if not query:
        return base
    # Stripe fills {CHECKOUT_SESSION_ID} itself, so the braces must reach it unescaped.
    return f"{base}{'&' if '?' in base else '?'}{urlencode(query, safe='{}')}"


def _subscription(tenant: Tenant) -> Subscription:
    found = Subscription.objects.filter(tenant=tenant).first()
    return found or plan_assign(tenant=tenant)


def customer_ensure(*, tenant: Tenant) -> str:
    """The tenant's Stripe customer id, creating the customer on first use."""
    subscription = _subscription(tenant)
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    client = stripe_client()
    customer = stripe_call(
        client.v1.customers.create,
        params={"name": tenant.name, "metadata": {"tenant_id": str(tenant.pk), "tenant": tenant.slug}},
        options=write_options(f"aig-customer-{tenant.pk}"),
    )
    # Only fill an empty field: a webhook may have stored the same customer meanwhile.
    Subscription.objects.filter(pk=subscription.pk, stripe_customer_id__isnull=True).update(
        stripe_customer_id=customer.id)
    return Subscription.objects.values_list("stripe_customer_id", flat=True).get(pk=subscription.pk) or customer.id


def checkout_session_create(*, tenant: Tenant, plan_code: str) -> SessionLink:
    """A Checkout Session that subscribes ``tenant`` to ``plan_code``'s Stripe price."""
    plan = Plan.objects.filter(code=plan_code, is_active=True).exclude(stripe_price_id__isnull=True).exclude(
        stripe_price_id="").first()
    if plan is None:
        choices = ", ".join(Plan.objects.filter(is_active=True, stripe_price_id__isnull=False).exclude(
            stripe_price_id="").order_by("code").values_list("code", flat=True)) or "none"
        raise ValidationError({"plan": f"no paid plan {plan_code!r}; choose from: {choices}"})
    subscription = _subscription(tenant)
    if subscription.stripe_subscription_id and subscription.status in _LIVE:
        raise SubscriptionExists("The tenant already has a subscription; change plans in the billing portal.")
    success_url = _return_url(checkout="success", session_id="{CHECKOUT_SESSION_ID}")
    cancel_url = _return_url(checkout="canceled")
    customer = customer_ensure(tenant=tenant)
    metadata = {"tenant_id": str(tenant.pk), "tenant": tenant.slug, "plan": plan.code}
    session = stripe_call(
        stripe_client().v1.checkout.sessions.create,
        params={
            "mode": "subscription", "customer": customer, "client_reference_id": tenant.slug,
            "line_items": [{"price": plan.stripe_price_id}], "metadata": metadata,
            "subscription_data": {"metadata": metadata},
            "success_url": success_url, "cancel_url": cancel_url,
        },
        options=write_options(),
    )
    return SessionLink(session.url, session.id)


def portal_session_create(*, tenant: Tenant) -> SessionLink:
    """A Customer Portal session: invoices, payment methods, plan changes, cancellation."""
    return_url = _return_url()
    customer = customer_ensure(tenant=tenant)
    session = stripe_call(
        stripe_client().v1.billing_portal.sessions.create,
        params={"customer": customer, "return_url": return_url}, options=write_options(),
    )
    return SessionLink(session.url, session.id)
