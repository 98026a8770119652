"""Management commands: thin wrappers over the services, script-friendly output."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.authentication import APIKeyAuthentication
from accounts.models import APIKey, Tenant
from accounts.signals import tenant_created
from tests.fixtures.accounts import issue_key

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_tenant_creates_it_and_announces_the_plan(db):
    seen = []

    def listener(tenant, plan, **kwargs):
        seen.append((tenant.slug, plan))

    tenant_created.connect(listener, dispatch_uid="test.cmd")
    try:
        output = run("create_tenant", "initech", "--name", "Initech", "--plan", "free")
    finally:
        tenant_created.disconnect(dispatch_uid="test.cmd")
    assert Tenant.objects.get(slug="initech").name == "Initech"
    assert seen == [("initech", "free")]
    assert "initech" in output


def test_create_tenant_refuses_a_duplicate_or_invalid_slug(tenant):
    with pytest.raises(CommandError, match="already exists"):
        run("create_tenant", "acme")
    with pytest.raises(CommandError, match="slug"):
        run("create_tenant", "not a slug!")


def test_create_api_key_prints_the_key_alone_on_the_last_line(tenant):
    output = run("create_api_key", "--tenant", "acme", "--name", "ci", "--scopes", "securityguard", "tokenguard",
                 "--expires-days", "7")
    raw = output.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"aig_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}", raw)
    _, identity = APIKeyAuthentication().authenticate_key(raw)
    assert identity.scopes == ("securityguard", "tokenguard") and identity.tenant_slug == "acme"
    key = APIKey.objects.get(prefix=identity.prefix)
    assert key.expires_at is not None and 6 <= (key.expires_at - key.created_at).days <= 7


def test_create_api_key_needs_a_known_tenant(db):
    with pytest.raises(CommandError, match="no tenant"):
        run("create_api_key", "--tenant", "nope", "--name", "x")


def test_revoke_api_key_revokes_by_prefix(tenant):
    issued = issue_key(tenant)
    output = run("revoke_api_key", issued.prefix)
    assert "revoked" in output
    assert APIKey.objects.get(pk=issued.model.pk).revoked_at is not None
    with pytest.raises(CommandError, match="no API key"):
        run("revoke_api_key", "000000000000")


def test_demo_setup_is_idempotent_and_prints_a_working_curl(db):
    first = run("demo_setup", "--base-url", "http://127.0.0.1:9999")
    second = run("demo_setup", "--base-url", "http://127.0.0.1:9999")
    assert Tenant.objects.filter(slug="demo").count() == 1
    assert APIKey.objects.filter(tenant__slug="demo").count() == 2
    keys = [re.search(r"Bearer (aig_\S+?)\"", out).group(1) for out in (first, second)]
    assert keys[0] != keys[1]
    for raw in keys:
        assert APIKeyAuthentication().authenticate_key(raw)[1].tenant_slug == "demo"
    assert "curl -s -X POST http://127.0.0.1:9999/api/v1/guards/process" in second
    assert '"service_type": "securityguard"' in second
    assert "http://127.0.0.1:9999/admin/" in second and "createsuperuser" in second
