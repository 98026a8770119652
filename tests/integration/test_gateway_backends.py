"""The gateway and guard services as real gunicorn processes against the test PostgreSQL and Redis.

Started once per module: the gateway (2 sync workers), the tokenguard service, and a
controllable fake guard service. Proves routing, the request deadline, fallback on and
off, the circuit breaker opening for both workers and closing after recovery, and the
403/404/413/400 answers, all over real sockets.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection

from accounts.services import tenant_create
from guards.models import GuardBackend, GuardRequest, TenantGuardConfig
from guards.services.config import guard_backend_save, guard_config_save
from tests.fixtures.accounts import issue_key
from tests.support import processes
from tests.support.processes import Gunicorn, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKEN = "integration-service-token"
COOLDOWN = 1.5


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    state = tmp_path_factory.mktemp("fake-guard") / "state.json"
    state.write_text("{}")
    # A spool of this run's own: the test database is recreated under the same name each run.
    common = {"REDIS_URL": settings.REDIS_URL, "GUARD_SERVICE_TOKEN": TOKEN, "LOG_LEVEL": "warning",
              "GUNICORN_ACCESS_LOG": "/dev/null", "GUARD_SPOOL_DIR": str(tmp_path_factory.mktemp("spool"))}
    gateway = Gunicorn({
        **common, **processes.test_database_env(connection.settings_dict), "DJANGO_SETTINGS_MODULE": "aiguardian.settings",
        "GUARD_BREAKER_FAILURES": "2", "GUARD_BREAKER_WINDOW_SECONDS": "30",
        "GUARD_BREAKER_COOLDOWN_SECONDS": str(COOLDOWN), "GUARD_MAX_REQUEST_BYTES": "4096",
    }, workers=2)
    service = Gunicorn({**common, "GUARD_SERVICE_NAME": "tokenguard"}, app="guards.standalone.wsgi:application",
                       workers=1)
    fake = Gunicorn({**common, "FAKE_GUARD_STATE": str(state)}, app="tests.integration.fake_guard_app:application",
                    workers=1, extra_args=["--threads", "4"])
    started = []
    try:
        for server in (gateway, service, fake):
            server.start()
            started.append(server)
        yield {"gateway": gateway, "service": service, "fake": fake, "state": state}
    except Exception:
        for server in started:
            print(server.output())
        raise
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def setup(servers) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    servers["state"].write_text("{}")
    tenant = tenant_create(slug="integration", plan="enterprise")
    key = issue_key(tenant, name="integration")
    return {**servers, "tenant": tenant, "headers": {"Authorization": f"Bearer {key.raw}"}}


def _route(tenant, url: str, *, name: str, timeout: float = 5.0, max_retries: int = 0,
           fallback_allowed: bool = True) -> GuardBackend:
    backend = guard_backend_save(backend=GuardBackend(name=name, base_url=url, timeout=timeout,
                                                      max_retries=max_retries))
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    config.backend, config.fallback_allowed = backend, fallback_allowed
    guard_config_save(config=config)
    return backend


def _process(setup: dict[str, Any], text: str = "one two three", **kw: Any) -> requests.Response:
    body = {"service_type": "tokenguard", "payload": {"text": text}, **kw}
    return requests.post(f"{setup['gateway'].url}/api/v1/guards/process", json=body, headers=setup["headers"],
                         timeout=30)


def _set_fake(setup: dict[str, Any], **state: Any) -> None:
    Path(setup["state"]).write_text(json.dumps(state))


def _audit_rows(request_id: str, expected: int = 1) -> list[GuardRequest]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        rows = list(GuardRequest.objects.filter(request_id=request_id))
        if len(rows) >= expected:
            return rows
        time.sleep(0.05)
    return list(GuardRequest.objects.filter(request_id=request_id))


def test_a_tenants_guard_is_routed_to_its_remote_service(setup) -> None:
    _route(setup["tenant"], setup["service"].url, name="tokenguard-svc")
    response = _process(setup, "Route this sentence to the token service.")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["service_used"] == "tokenguard" and body["data"]["token_count"] > 0
    metrics = requests.get(f"{setup['service'].url}/metrics", timeout=5).text
    assert re.search(r'aiguardian_guard_requests_total\{backend="service",decision="keep",guard="tokenguard",'
                     r'outcome="success"\} [1-9]', metrics)
    (row,) = _audit_rows(body["request_id"])  # written by the gateway worker's audit thread
    assert (row.backend, row.outcome, row.text_length) == ("tokenguard-svc", "success", 41)


def test_the_request_timeout_bounds_a_slow_backend(setup) -> None:
    _route(setup["tenant"], setup["fake"].url, name="slow", timeout=10.0)
    _set_fake(setup, delay=3)
    started = time.monotonic()
    response = _process(setup, timeout=0.5, fallback_enabled=False)
    assert response.status_code == 504 and response.json()["error"]["code"] == "guard_timeout"
    assert time.monotonic() - started < 2.0


def test_fallback_answers_in_process_when_allowed_and_not_when_refused(setup) -> None:
    _route(setup["tenant"], f"http://127.0.0.1:{free_port()}", name="dead")
    response = _process(setup)
    assert response.status_code == 200
    assert response.json()["service_used"] == "tokenguard (in-process fallback)"
    refused = _process(setup, fallback_enabled=False)
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "guard_unavailable"


def test_the_breaker_opens_for_every_worker_and_closes_after_recovery(setup) -> None:
    _route(setup["tenant"], setup["fake"].url, name="flaky", timeout=0.5, fallback_allowed=False)
    _set_fake(setup, delay=2)
    with ThreadPoolExecutor(2) as pool:
        # Two concurrent slow calls occupy both sync workers: one failure recorded by each.
        first = list(pool.map(lambda _: _process(setup), range(2)))
        assert [r.status_code for r in first] == [504, 504]
        # Threshold is 2: only a breaker shared through Redis is open now, in both workers.
        started = time.monotonic()
        second = list(pool.map(lambda _: _process(setup), range(2)))
    assert [r.json()["error"]["code"] for r in second] == ["guard_unavailable"] * 2
    assert all("circuit open" in r.json()["error"]["message"] for r in second)
    assert time.monotonic() - started < 0.5  # refused without calling the backend
    gateway_metrics = requests.get(f"{setup['gateway'].url}/metrics", timeout=5).text
    assert 'aiguardian_guard_breaker_state{backend="flaky"} 2.0' in gateway_metrics

    _set_fake(setup, delay=0)
    time.sleep(COOLDOWN + 0.1)
    probe = _process(setup)
    assert probe.status_code == 200 and probe.json()["data"]["analyzer_version"] == "fake-1"
    with ThreadPoolExecutor(2) as pool:
        assert [r.status_code for r in pool.map(lambda _: _process(setup), range(4))] == [200] * 4
    health = requests.get(f"{setup['gateway'].url}/api/v1/guards/health/tokenguard", headers=setup["headers"],
                          timeout=5).json()
    assert health["breaker_state"] == "closed" and health["backend"] == "flaky"


def test_refusals_and_validation_errors_over_http(setup) -> None:
    url = f"{setup['gateway'].url}/api/v1/guards/process"
    config = TenantGuardConfig.objects.get(tenant=setup["tenant"], guard="biasguard")
    config.enabled = False
    guard_config_save(config=config)
    cases = [
        ({"service_type": "biasguard", "payload": {"text": "x"}}, 403, "guard_not_enabled"),
        ({"service_type": "magicguard", "payload": {"text": "x"}}, 404, "unknown_guard"),
        ({"service_type": "tokenguard", "payload": {"text": "x" * 5000}}, 413, "payload_too_large"),
        ({"service_type": "tokenguard", "payload": {"text": 12}}, 400, "invalid_request"),
    ]
    for body, status, code in cases:
        response = requests.post(url, json=body, headers=setup["headers"], timeout=10)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
    assert requests.post(url, json=cases[0][0], timeout=10).status_code == 401


def test_a_worker_that_stops_writes_its_queued_audit_rows_first(setup) -> None:
    gateway = Gunicorn({"REDIS_URL": settings.REDIS_URL, "LOG_LEVEL": "warning", "GUNICORN_ACCESS_LOG": "/dev/null",
                        **processes.test_database_env(connection.settings_dict)}, workers=1).start()
    try:
        response = requests.post(f"{gateway.url}/api/v1/guards/process", headers=setup["headers"], timeout=30,
                                 json={"service_type": "tokenguard", "payload": {"text": "audit me on the way out"}})
    finally:
        gateway.stop()  # SIGTERM at once: the row is still in the writer's 200 ms batch window
    assert response.status_code == 200
    assert GuardRequest.objects.filter(request_id=response.json()["request_id"]).count() == 1
