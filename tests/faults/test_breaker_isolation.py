"""Issue 11, case 2: one tenant's input cannot open the shared circuit breaker for everyone.

The gateway (gunicorn, two workers) routes two tenants' securityguard to one real guard
service over HTTP, and to a controllable stand-in for faults the real one will not
produce on demand. The breaker opens after three failures and stays open 30 s, so an
opened breaker would be seen by the other tenant's next call.

Rule (README, "Circuit breaker"): the breaker counts only the backend's own faults:
connection errors, timeouts and 5xx answers other than ``guard_analyzer_error``. Input
the gateway or the service refuses (400), a body over the service's limit (413) and an
analyzer failing on one input are the caller's or the call's, never the backend's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection

from accounts.services import tenant_create
from guards.models import GuardBackend, TenantGuardConfig
from guards.services.config import guard_backend_save, guard_config_save
from tests.fixtures.accounts import issue_key
from tests.support import processes
from tests.support.processes import Gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKEN = "breaker-isolation-token"
FAILURES = 3


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    state = tmp_path_factory.mktemp("stand-in") / "state.json"
    state.write_text("{}")
    common = {"REDIS_URL": settings.REDIS_URL, "GUARD_SERVICE_TOKEN": TOKEN, "LOG_LEVEL": "warning",
              "GUNICORN_ACCESS_LOG": "/dev/null"}
    gateway = Gunicorn({**common, **processes.test_database_env(connection.settings_dict),
                        "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "GUARD_BREAKER_FAILURES": str(FAILURES),
                        # Audit rows stored before each answer: a writer thread still inserting when the test's
                        # teardown truncates the tables deadlocked with it under load.
                        "GUARD_AUDIT_ASYNC": "false",
                        "GUARD_BREAKER_WINDOW_SECONDS": "60", "GUARD_BREAKER_COOLDOWN_SECONDS": "30"}, workers=2)
    service = Gunicorn({**common, "GUARD_SERVICE_NAME": "securityguard"}, app="guards.standalone.wsgi:application",
                       workers=1)
    stand_in = Gunicorn({**common, "FAKE_GUARD_STATE": str(state)},
                        app="tests.integration.fake_guard_app:application", workers=1, extra_args=["--threads", "4"])
    started = []
    try:
        for server in (gateway, service, stand_in):
            server.start()
            started.append(server)
        yield {"gateway": gateway, "service": service, "stand_in": stand_in, "state": state}
    finally:
        for server in started:
            server.stop()


def _tenant(slug: str, backend: GuardBackend) -> dict[str, str]:
    tenant = tenant_create(slug=slug, plan="enterprise")
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="securityguard")
    config.backend, config.fallback_allowed = backend, False  # a failure would show, not be papered over
    guard_config_save(config=config)
    return {"Authorization": f"Bearer {issue_key(tenant, name=slug).raw}"}


@pytest.fixture
def tenants(servers) -> Any:  # type: ignore[no-untyped-def]
    def route(url: str) -> tuple[dict[str, str], dict[str, str]]:
        backend = guard_backend_save(backend=GuardBackend(name="shared-securityguard", base_url=url, timeout=10,
                                                          max_retries=2))
        return _tenant("mallory", backend), _tenant("alice", backend)

    servers["state"].write_text("{}")
    return route


def _process(servers: dict[str, Any], headers: dict[str, str], payload: Any, raw: str | None = None) -> requests.Response:
    url = f"{servers['gateway'].url}/api/v1/guards/process"
    if raw is not None:
        return requests.post(url, data=raw.encode(), timeout=30, headers={**headers, "Content-Type": "application/json"})
    return requests.post(url, json={"service_type": "securityguard", "payload": payload}, headers=headers, timeout=30)


def _breaker_state(servers: dict[str, Any], headers: dict[str, str]) -> str:
    health = requests.get(f"{servers['gateway'].url}/api/v1/guards/health/securityguard", headers=headers, timeout=10)
    return health.json()["breaker_state"]


def test_a_tenants_bad_input_is_its_own_400_and_the_other_tenant_keeps_the_backend(servers, tenants) -> None:
    mallory, alice = tenants(servers["service"].url)
    lone_surrogate = '{"service_type": "securityguard", "payload": {"text": "\\ud800"}}'
    for _ in range(FAILURES + 3):
        refused = _process(servers, mallory, None, raw=lone_surrogate)
        assert refused.status_code == 400 and refused.json()["error"]["fields"] == {"payload.text": [
            "Lone surrogate U+D800 is not allowed: send valid UTF-8 (or a complete \\uD8xx\\uDCxx pair)."]}
        # Accepted by the gateway, refused by the guard service's analyzer: still the caller's 400.
        rejected = _process(servers, mallory, {"text": "hello", "direction": "sideways"})
        assert rejected.status_code == 400, rejected.text
        assert rejected.json()["error"]["fields"] == {"payload": {"direction": ["Must be one of: input, output."]}}
    assert _breaker_state(servers, alice) == "closed"
    served = _process(servers, alice, {"text": "Please translate this paragraph into French."})
    assert served.status_code == 200, served.text
    assert served.json()["service_used"] == "securityguard"  # the remote service, not a fallback


def test_the_guard_service_applies_the_same_input_rules_itself(servers) -> None:
    response = requests.post(f"{servers['service'].url}/process", data=b'{"service_type": "securityguard", '
                             b'"payload": {"text": "a\\u0000b"}}', timeout=10,
                             headers={"Content-Type": "application/json", "X-Guard-Service-Token": TOKEN})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"payload.text": ["NUL characters (U+0000) are not allowed."]}


def _stand_in(servers: dict[str, Any], **state: Any) -> None:
    Path(servers["state"]).write_text(json.dumps(state))


def test_an_analyzer_failing_on_one_input_does_not_count_but_backend_faults_do(servers, tenants) -> None:
    mallory, alice = tenants(servers["stand_in"].url)
    _stand_in(servers, status=502, code="guard_analyzer_error")
    for _ in range(FAILURES + 2):
        failed = _process(servers, mallory, {"text": "the input this analyzer trips on"})
        assert failed.status_code == 502 and failed.json()["error"]["code"] == "guard_analyzer_error"
    _stand_in(servers, status=413, code="payload_too_large")
    for _ in range(FAILURES + 2):
        too_big = _process(servers, mallory, {"text": "a payload over the service's own limit"})
        assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "payload_too_large"
    _stand_in(servers)
    assert _breaker_state(servers, alice) == "closed"
    assert _process(servers, alice, {"text": "still served"}).status_code == 200

    # Control: the same number of genuine backend faults does open it, for both tenants.
    _stand_in(servers, status=500, code="internal_error")
    for _ in range(FAILURES):
        assert _process(servers, mallory, {"text": "backend broken"}).status_code == 502
    _stand_in(servers)
    refused = _process(servers, alice, {"text": "now refused"})
    assert refused.status_code == 503 and "circuit open" in refused.json()["error"]["message"]
