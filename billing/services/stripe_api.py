"""The one way billing talks to Stripe: the ``stripe`` library, configured from settings.

``STRIPE_API_BASE`` points the client at Stripe (the default) or at a Stripe-compatible
server (the test suite's fake, a benchmark's). Each HTTP attempt is bounded by
``STRIPE_TIMEOUT``; the library retries connection errors, 409s and 5xx answers up to
``STRIPE_MAX_NETWORK_RETRIES`` times, resending the same ``Idempotency-Key``, so a retried
write is applied once. Callers pass a key for every write (:func:`write_options`): a
deterministic one where the same logical write may be attempted by two processes (one
customer per tenant), a fresh one otherwise.

Errors come back as two kinds the views and commands can act on:
:class:`BillingNotConfigured` (off, or no key: nothing to retry) and
:class:`StripeUnavailable` (Stripe could not be reached or answered 5xx after the
retries: try later). Any other :class:`stripe.StripeError` is Stripe refusing the request.
"""

from __future__ import annotations

import uuid
from typing import Any

import stripe
from django.conf import settings

_clients: dict[tuple[Any, ...], stripe.StripeClient] = {}


class BillingNotConfigured(Exception):
    """Stripe is switched off (``STRIPE_ENABLED=false``) or has no ``STRIPE_API_KEY``."""


class StripeUnavailable(Exception):
    """Stripe did not answer usefully after the retries (connection error, timeout, 5xx)."""


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_ENABLED and settings.STRIPE_API_KEY)


def stripe_client() -> stripe.StripeClient:
    """A client for the current settings (cached per configuration: it holds a connection pool)."""
    if not stripe_enabled():
        raise BillingNotConfigured("Billing is not configured: set STRIPE_API_KEY (and STRIPE_ENABLED=true).")
    config = (settings.STRIPE_API_KEY, settings.STRIPE_API_BASE.rstrip("/"), settings.STRIPE_TIMEOUT,
              settings.STRIPE_MAX_NETWORK_RETRIES)
    client = _clients.get(config)
    if client is None:
        key, base, timeout, retries = config
        client = _clients[config] = stripe.StripeClient(
            key, base_addresses={"api": base}, max_network_retries=retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )
    return client


def write_options(idempotency_key: str | None = None) -> dict[str, Any]:
    """Request options for a write: always an idempotency key (a fresh one unless given)."""
    return {"idempotency_key": idempotency_key or f"aig-{uuid.uuid4()}"}


def is_unavailable(exc: stripe.StripeError) -> bool:
    """True for failures a later attempt may not see: no answer, a timeout, a 5xx, rate limiting."""
    if isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError)):
        return True
    return (exc.http_status or 0) >= 500


def stripe_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one library call; unreachable Stripe becomes :class:`StripeUnavailable`."""
    try:
        return fn(*args, **kwargs)
    except stripe.StripeError as exc:
        if is_unavailable(exc):
            raise StripeUnavailable(f"{type(exc).__name__}: {exc.user_message or exc}") from exc
        raise
