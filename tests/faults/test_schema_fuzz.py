"""Schemathesis against the served OpenAPI schema of a real gateway (gunicorn, PostgreSQL, Redis).

Generated requests, valid and invalid, go to every operation: with a tenant API key,
and, for the key-management API, with a Clerk session token of a tenant admin. The run
fails on any 5xx, any status code the schema does not document for the operation, and
any response whose body or content type breaks the schema. Bounded in time (about a
minute per run) so the suite stays quick; the seed is printed to replay a failure.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.services import tenant_create
from tests.accounts.conftest import ISSUER, WEBHOOK_SECRET, clerk_idp  # noqa: F401 - fixture
from tests.billing import fake_stripe
from tests.fixtures.accounts import MembershipFactory, UserFactory, issue_key
from tests.support import processes
from tests.support.processes import Gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "response_headers_conformance")
SECONDS_PER_RUN = 30


@pytest.fixture(scope="module")
def stripe_fake() -> Iterator[fake_stripe.FakeStripe]:
    yield from fake_stripe.serve()


@pytest.fixture(scope="module")
def gateway(django_db_setup, django_db_blocker, clerk_idp, stripe_fake) -> Iterator[Gunicorn]:  # type: ignore[no-untyped-def]  # noqa: F811
    server = Gunicorn({
        "REDIS_URL": settings.REDIS_URL, "LOG_LEVEL": "error", "GUNICORN_ACCESS_LOG": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "aiguardian.settings", **processes.test_database_env(connection.settings_dict),
        # Audit rows stored before each answer, so none is still being written when teardown truncates.
        "GUARD_AUDIT_ASYNC": "false",
        # Configured, so a webhook answers what it would in production (400 for an unsigned body).
        "STRIPE_WEBHOOK_SECRET": "whsec_schema_fuzz_0123456789", "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CLERK_JWKS_URL": clerk_idp.jwks_url, "CLERK_ISSUER": ISSUER,
        "CLERK_AUTHORIZED_PARTIES": "https://app.example.test",
        # Billing calls reach a Stripe-compatible fake, so Checkout and the portal answer for real.
        "STRIPE_API_KEY": fake_stripe.API_KEY, "STRIPE_API_BASE": stripe_fake.base_url,
        "STRIPE_MAX_NETWORK_RETRIES": "0", "BILLING_RETURN_URL": "https://app.example.test/billing",
    }, workers=2).start()
    try:
        yield server
    finally:
        server.stop()


def schemathesis(gateway: Gunicorn, header: str, workdir: Path, *extra: str) -> subprocess.CompletedProcess:
    st = Path(sys.executable).parent / "st"
    return subprocess.run(
        [str(st), "run", f"{gateway.url}/api/schema", "--checks", CHECKS, "-H", header, "--max-time",
         str(SECONDS_PER_RUN), "--max-examples", "100", "--request-timeout", "20", "--workers", "1", "--no-shrink",
         "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
         # The credential given is the one sent; generated API-key headers would only ever meet a 401.
         "--generation-with-security-parameters", "false", *extra],
        capture_output=True, text=True, timeout=SECONDS_PER_RUN * 3, cwd=workdir,  # its caches stay out of the repo
    )


def _report(run: subprocess.CompletedProcess) -> str:
    return (run.stdout + run.stderr)[-12000:]


def test_the_guard_api_answers_only_what_its_schema_documents(gateway, tmp_path) -> None:
    tenant = tenant_create(slug="fuzzed", plan="enterprise")
    run = schemathesis(gateway, f"Authorization: Bearer {issue_key(tenant).raw}", tmp_path,
                       "--exclude-path-regex", "^/api/v1/(keys|policy|billing)")  # session-only APIs: runs below
    assert run.returncode == 0, _report(run)
    assert "Authentication failed" not in run.stdout  # the operations were reached, not just refused


def _admin_token(idp, slug: str, plan: str) -> str:  # type: ignore[no-untyped-def]
    """A Clerk session token of an admin of a new tenant ``slug``."""
    tenant = tenant_create(slug=slug, plan=plan)
    tenant.clerk_org_id = f"org_{slug}"
    tenant.save(update_fields=["clerk_org_id"])
    admin = UserFactory()
    MembershipFactory(user=admin, tenant=tenant)
    return idp.token(sub=admin.clerk_user_id, org_id=tenant.clerk_org_id, exp=int(time.time()) + 600)


def test_the_key_and_policy_apis_answer_only_what_its_schema_documents(gateway, clerk_idp, tmp_path) -> None:  # noqa: F811
    token = _admin_token(clerk_idp, "fuzzed-admins", "enterprise")
    run = schemathesis(gateway, f"Authorization: Bearer {token}", tmp_path, "--include-path-regex",
                       "^/api/v1/(keys|policy)")
    assert run.returncode == 0, _report(run)
    assert "Authentication failed" not in run.stdout  # the operations were reached, not just refused


def test_the_billing_api_answers_only_what_its_schema_documents(gateway, clerk_idp, stripe_fake,  # noqa: F811
                                                               tmp_path) -> None:
    token = _admin_token(clerk_idp, "fuzzed-billing", "free")
    run = schemathesis(gateway, f"Authorization: Bearer {token}", tmp_path, "--include-path-regex",
                       "^/api/v1/billing")
    assert run.returncode == 0, _report(run)
    assert "Authentication failed" not in run.stdout
    assert stripe_fake.calls("POST", "/v1/billing_portal/sessions")  # the portal was reached for real
