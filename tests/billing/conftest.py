"""Billing fixtures: a fake Stripe on a free port with settings pointing at it, and Clerk admins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.accounts.conftest import (  # noqa: F401 - fixtures shared with the keys API tests
    admin_a,
    admin_b,
    clerk_idp,
    clerk_settings,
    make_tenant_admin,
)
from tests.billing.fake_stripe import API_KEY, FakeStripe, serve

RETURN_URL = "https://app.example.test/billing"


@pytest.fixture
def fake_stripe(settings) -> Iterator[FakeStripe]:  # type: ignore[no-untyped-def]
    """A Stripe-compatible server; the real library reaches it through STRIPE_API_BASE."""
    for fake in serve():
        settings.STRIPE_ENABLED = True
        settings.STRIPE_API_KEY = API_KEY
        settings.STRIPE_API_BASE = fake.base_url
        settings.STRIPE_TIMEOUT = 5.0
        settings.STRIPE_MAX_NETWORK_RETRIES = 2
        settings.BILLING_RETURN_URL = RETURN_URL
        yield fake
