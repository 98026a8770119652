"""What each Stripe event does to a tenant's :class:`Subscription`, including dunning.

Stripe does not deliver events in order, and retries old ones for days. Each state
change records the event's ``created`` time on the subscription (``stripe_state_at``);
an event created before that is older than what the row already shows and is skipped
(the handler returns False), as is one about another of the tenant's subscriptions (an
earlier one's end, a one-off or old invoice). A payment failure starts the grace period
(``past_due_since``, the failure's own time); ``billing.services.plans.effective_plan``
gives the paid limits until ``BILLING_GRACE_DAYS`` later, the default plan's after.
A paid invoice ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from accounts.models import Tenant
from billing import services
from billing.models import Plan, Subscription
from billing.services.keys import now

Handler = Callable[[dict[str, Any], "datetime | None"], bool]
_RECOVERABLE = {Subscription.Status.PAST_DUE, Subscription.Status.UNPAID, Subscription.Status.INCOMPLETE}


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def event_created(event: dict[str, Any]) -> datetime | None:
    """The event's ``created`` time, when it carries a usable one."""
    created = event.get("created")
    if isinstance(created, int) and not isinstance(created, bool) and 0 < created < 2**33:
        return _ts(created)
    return None


def _subscription_for(obj: dict[str, Any]) -> Subscription:
    """Find (and lock) the tenant's subscription from the ids or metadata Stripe sends."""
    query = Subscription.objects.select_for_update()
    if obj.get("object") == "subscription" and obj.get("id"):
        found = query.filter(stripe_subscription_id=obj["id"]).first()
        if found:
            return found
    customer = obj.get("customer")
    if customer:
        found = query.filter(stripe_customer_id=customer).first()
        if found:
            return found
    slug = (obj.get("metadata") or {}).get("tenant") or obj.get("client_reference_id")
    if slug:
        tenant = Tenant.objects.get(slug=slug)
        found = query.filter(tenant=tenant).first()
        return found or services.plan_assign(tenant=tenant)
    raise LookupError("event names no known customer, subscription or tenant")


def _is_stale(subscription: Subscription, created: datetime | None) -> bool:
    return bool(created and subscription.stripe_state_at and created < subscription.stripe_state_at)


def _set_status(subscription: Subscription, status: str, since: datetime | None) -> None:
    """Move to ``status``; entering past_due starts the grace period, leaving it ends it."""
    if status == Subscription.Status.PAST_DUE:
        if subscription.status != Subscription.Status.PAST_DUE or subscription.past_due_since is None:
            subscription.past_due_since = since or now()
    else:
        subscription.past_due_since = None
    subscription.status = status


def on_checkout_completed(obj: dict[str, Any], created: datetime | None) -> bool:
    # Ids only: facts that do not go stale, so no ordering check.
    subscription = _subscription_for(obj)
    subscription.stripe_customer_id = obj.get("customer") or subscription.stripe_customer_id
    subscription.stripe_subscription_id = obj.get("subscription") or subscription.stripe_subscription_id
    subscription.save()
    return True


def _state_change(apply: Callable[[Subscription, dict[str, Any], datetime | None], bool]) -> Handler:
    """A handler that changes the subscription's state: locked, skipped when stale, saved with the event's time."""
    def handler(obj: dict[str, Any], created: datetime | None) -> bool:
        subscription = _subscription_for(obj)
        if _is_stale(subscription, created) or not apply(subscription, obj, created):
            return False
        if created and (subscription.stripe_state_at is None or created > subscription.stripe_state_at):
            subscription.stripe_state_at = created
        subscription.save()
        services.limits_invalidate(tenant_id=subscription.tenant_id)
        return True

    handler.__name__ = handler.__qualname__ = apply.__name__
    return handler


@_state_change
def on_subscription_changed(subscription: Subscription, obj: dict[str, Any], created: datetime | None) -> bool:
    items = (obj.get("items") or {}).get("data") or []
    price_id = items[0]["price"]["id"] if items else None
    if price_id:
        subscription.plan = Plan.objects.get(stripe_price_id=price_id)
    _set_status(subscription, obj.get("status") or subscription.status, created)
    subscription.stripe_customer_id = obj.get("customer") or subscription.stripe_customer_id
    subscription.stripe_subscription_id = obj.get("id") or subscription.stripe_subscription_id
    period_end = obj.get("current_period_end") or (items[0].get("current_period_end") if items else None)
    subscription.current_period_end = _ts(period_end) or subscription.current_period_end
    return True


@_state_change
def on_subscription_deleted(subscription: Subscription, obj: dict[str, Any], created: datetime | None) -> bool:
    if obj.get("id") and subscription.stripe_subscription_id not in (None, obj["id"]):
        return False  # an earlier subscription of the tenant's ended, not the current one
    _set_status(subscription, Subscription.Status.CANCELED, created)
    subscription.plan = services.default_plan()
    return True


def _invoice_is_for(subscription: Subscription, invoice: dict[str, Any]) -> bool:
    """Only invoices of the tenant's current subscription move its state (not one-off or old ones)."""
    details = ((invoice.get("parent") or {}).get("subscription_details") or {})
    invoiced = invoice.get("subscription") or details.get("subscription")  # older / newer API versions
    if isinstance(invoiced, dict):
        invoiced = invoiced.get("id")
    return bool(invoiced) and subscription.stripe_subscription_id in (None, invoiced)


@_state_change
def on_payment_failed(subscription: Subscription, obj: dict[str, Any], created: datetime | None) -> bool:
    if not _invoice_is_for(subscription, obj):
        return False
    if subscription.status != Subscription.Status.CANCELED:
        _set_status(subscription, Subscription.Status.PAST_DUE, created)
    return True


@_state_change
def on_invoice_paid(subscription: Subscription, obj: dict[str, Any], created: datetime | None) -> bool:
    if not _invoice_is_for(subscription, obj):
        return False
    if subscription.status in _RECOVERABLE:
        _set_status(subscription, Subscription.Status.ACTIVE, created)
    return True


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription_changed,
    "customer.subscription.updated": on_subscription_changed,
    "customer.subscription.deleted": on_subscription_deleted,
    "invoice.payment_failed": on_payment_failed,
    "invoice.paid": on_invoice_paid,
}
