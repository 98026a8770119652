"""Tenant policy over real sockets: a gunicorn gateway, a real tokenguard service that is stopped,
the audit written by the gateway's writer thread, and feedback on it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection

from accounts.services import tenant_create
from guards.models import GuardBackend, GuardRequest, TenantGuardConfig
from guards.services.config import guard_backend_save, guard_config_save
from policy.models import GuardFeedback
from tests.fixtures.accounts import issue_key
from tests.support import processes
from tests.support.processes import Gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKEN = "policy-integration-token"


@pytest.fixture(scope="module")
def gateway(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Gunicorn]:  # type: ignore[no-untyped-def]
    server = Gunicorn({
        "REDIS_URL": settings.REDIS_URL, "GUARD_SERVICE_TOKEN": TOKEN, "LOG_LEVEL": "warning",
        "GUNICORN_ACCESS_LOG": "/dev/null", "GUARD_SPOOL_DIR": str(tmp_path_factory.mktemp("spool")),
        "DJANGO_SETTINGS_MODULE": "aiguardian.settings", **processes.test_database_env(connection.settings_dict),
    }, workers=1).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def service() -> Iterator[Gunicorn]:
    server = Gunicorn({"REDIS_URL": settings.REDIS_URL, "GUARD_SERVICE_TOKEN": TOKEN, "LOG_LEVEL": "warning",
                       "GUNICORN_ACCESS_LOG": "/dev/null", "GUARD_SERVICE_NAME": "tokenguard"},
                      app="guards.standalone.wsgi:application", workers=1).start()
    try:
        yield server
    finally:
        server.stop()


def _tenant(slug: str) -> tuple[Any, dict[str, str]]:
    tenant = tenant_create(slug=slug, plan="enterprise")
    return tenant, {"Authorization": f"Bearer {issue_key(tenant).raw}"}


def _process(gateway: Gunicorn, headers: dict[str, str]) -> requests.Response:
    body = {"service_type": "tokenguard", "payload": {"text": "Count these words 🙂 please."},
            "fallback_enabled": False}
    return requests.post(f"{gateway.url}/api/v1/guards/process", json=body, headers=headers, timeout=30)


def _stored(request_id: str) -> GuardRequest | None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        row = GuardRequest.objects.filter(request_id=request_id).first()
        if row is not None:
            return row
        time.sleep(0.05)
    return None


def test_fail_closed_then_fail_open_when_the_guard_service_is_stopped(gateway, service) -> None:
    tenant, headers = _tenant("policy-stack")
    backend = guard_backend_save(backend=GuardBackend(name="tokenguard-policy", base_url=service.url, timeout=3.0,
                                                      max_retries=0))
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    config.backend, config.fallback_allowed = backend, False
    guard_config_save(config=config)

    answered = _process(gateway, headers)
    assert answered.status_code == 200, answered.text
    policy = answered.json()["data"]["policy"]  # applied by the gateway to the remote service's answer
    assert policy["enforced"] is True and policy["degraded"] is False

    service.stop()
    closed = _process(gateway, headers)
    assert closed.status_code == 503 and closed.json()["error"]["code"] == "guard_unavailable"

    config.failure_policy = "fail_open"
    guard_config_save(config=config)
    opened = _process(gateway, headers)
    assert opened.status_code == 200, opened.text
    data = opened.json()["data"]
    assert data["decision"] == "keep" and data["policy"]["degraded"] is True
    assert data["policy"]["degraded_reason"]["code"] == "guard_unavailable"
    assert data["policy"]["config_version"] == policy["config_version"] + 1
    row = _stored(opened.json()["request_id"])
    assert row is not None and (row.outcome, row.degraded, row.decision) == ("unavailable", True, "keep")


def test_feedback_on_an_audited_request_and_never_on_another_tenants(gateway) -> None:
    _, headers = _tenant("policy-feedback")
    _, other_headers = _tenant("policy-feedback-other")
    request_id = _process(gateway, headers).json()["request_id"]
    assert _stored(request_id) is not None  # stored by the gateway's audit writer thread
    url = f"{gateway.url}/api/v1/guards/feedback"
    refused = requests.post(url, json={"request_id": request_id, "label": "false_positive"}, headers=other_headers,
                            timeout=10)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "request_not_found"
    accepted = requests.post(url, json={"request_id": request_id, "label": "correct"}, headers=headers, timeout=10)
    assert accepted.status_code == 201, accepted.text
    assert GuardFeedback.objects.get().label == "correct"
