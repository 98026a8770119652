from __future__ import annotations

import pytest

from tests.guards.conftest import fake_service  # noqa: F401 - the scriptable guard service


@pytest.fixture
def operator(db, django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_superuser(username="op@example.com", email="op@example.com",
                                                      password="pw-123-long-enough")


@pytest.fixture
def admin_web(client, operator):  # type: ignore[no-untyped-def]
    """A separate browser session logged in to the admin (the API client carries the API key)."""
    from django.test import Client

    web = Client()
    web.force_login(operator)
    return web


from tests.accounts.conftest import admin_a, admin_b, clerk_idp, clerk_settings  # noqa: E402, F401 - Clerk sessions
