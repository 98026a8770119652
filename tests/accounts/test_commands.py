"""Management commands: thin wrappers over the services, script-friendly output."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

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


def _demo_key(output: str) -> str:
    return re.search(r"Bearer (aig_\S+?)\"", output).group(1)


@pytest.fixture
def demo_key_file(tmp_path, settings):
    settings.DEMO_KEY_FILE = str(tmp_path / ".demo-api-key")
    return tmp_path / ".demo-api-key"


def test_demo_setup_reuses_its_one_key_and_prints_a_working_curl(demo_key_file):
    first = run("demo_setup", "--base-url", "http://127.0.0.1:9999")
    second = run("demo_setup", "--base-url", "http://127.0.0.1:9999")
    assert Tenant.objects.filter(slug="demo").count() == 1
    assert _demo_key(first) == _demo_key(second)
    assert APIKey.objects.filter(tenant__slug="demo").count() == 1
    assert APIKeyAuthentication().authenticate_key(_demo_key(second))[1].tenant_slug == "demo"
    assert demo_key_file.read_text().strip() == _demo_key(first)
    assert demo_key_file.stat().st_mode & 0o077 == 0  # only the developer can read it
    assert "same key as last time" in second
    assert "curl -s -X POST http://127.0.0.1:9999/api/v1/guards/process" in second
    assert '"service_type": "securityguard"' in second
    assert "http://127.0.0.1:9999/admin/" in second and "createsuperuser" in second


@pytest.mark.parametrize("lose_it", ["delete_file", "revoke_key"])
def test_demo_setup_replaces_a_lost_key_and_revokes_the_old_one(demo_key_file, lose_it):
    old = _demo_key(run("demo_setup"))
    if lose_it == "delete_file":
        demo_key_file.unlink()
    else:
        APIKey.objects.filter(tenant__slug="demo").update(revoked_at=timezone.now())
    new = _demo_key(run("demo_setup"))
    assert new != old
    live = APIKey.objects.filter(tenant__slug="demo", revoked_at__isnull=True)
    assert live.count() == 1 and new.startswith(f"aig_{live.get().prefix}_")
    assert demo_key_file.read_text().strip() == new


def test_create_tenant_names_the_plan_it_was_put_on(db):
    assert run("create_tenant", "globex", "--plan", "pro").rstrip().endswith("plan pro")
    assert run("create_tenant", "hooli").rstrip().endswith("plan free")


def test_create_tenant_with_an_unknown_plan_is_one_line_naming_the_plans(db):
    with pytest.raises(CommandError, match=r"plan: no plan 'platinum'; choose from: .*free"):
        run("create_tenant", "beta", "--plan", "platinum")
    assert not Tenant.objects.filter(slug="beta").exists()


def test_create_api_key_refuses_scopes_that_are_not_guards(tenant):
    with pytest.raises(CommandError, match="not a guard name: malwareguard; choose from: biasguard"):
        run("create_api_key", "--tenant", "acme", "--name", "x", "--scopes", "securityguard", "malwareguard")
    assert not APIKey.objects.filter(tenant=tenant, name="x").exists()
