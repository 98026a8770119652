"""Failure policy per tenant and guard: fail_open answers allow (degraded), fail_closed the error."""

from __future__ import annotations

import pytest

from billing.services import usage_month_total
from guards.models import GuardRequest

PROCESS, SCAN = "/api/v1/guards/process", "/api/v1/guards/scan"


def _process(client, guard="shoutguard", payload=None, **extra):
    body = {"service_type": guard, "payload": payload or {"text": "HELLO THERE"}, "fallback_enabled": False, **extra}
    return client.post(PROCESS, body, format="json")


@pytest.fixture
def stopped_service(test_guards, guard_config, http_backend, fake_service):
    """shoutguard routed to a guard service that has been stopped (connection refused)."""
    backend = http_backend(fake_service.url, max_retries=0, timeout=2.0)
    fake_service.server.shutdown()
    fake_service.server.server_close()
    return guard_config("shoutguard", backend=backend, fallback_allowed=False)


def test_fail_closed_answers_503_when_the_service_is_stopped(api_client, stopped_service) -> None:
    response = _process(api_client)
    assert response.status_code == 503 and response.json()["error"]["code"] == "guard_unavailable"
    row = GuardRequest.objects.get()
    assert (row.outcome, row.degraded, row.decision, row.failure_policy) == (
        "unavailable", False, "", "fail_closed")


def test_fail_open_answers_allow_marked_degraded_with_the_reason(api_client, stopped_service, guard_config,
                                                                   tenant) -> None:
    guard_config("shoutguard", failure_policy="fail_open")
    response = _process(api_client)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] is True and body["data"]["decision"] == "allow"
    policy = body["data"]["policy"]
    assert policy["degraded"] is True and policy["failure_policy"] == "fail_open"
    assert policy["degraded_reason"]["code"] == "guard_unavailable"
    row = GuardRequest.objects.get()
    assert (row.outcome, row.degraded, row.decision, row.failure_policy, row.error_code) == (
        "unavailable", True, "allow", "fail_open", "guard_unavailable")
    assert usage_month_total(tenant_id=tenant.pk) == 0  # nothing analysed, nothing billed


def test_fail_open_never_covers_bad_input(api_client, test_guards, guard_config) -> None:
    guard_config("shoutguard", failure_policy="fail_open")
    response = _process(api_client, payload={"content_type": "text"})  # no text: the analyzer refuses it
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"


def test_fail_open_never_covers_an_analyzer_failing_on_the_input(api_client, test_guards, guard_config) -> None:
    guard_config("brokenguard", failure_policy="fail_open")
    response = _process(api_client, guard="brokenguard")
    assert response.status_code == 502 and response.json()["error"]["code"] == "guard_analyzer_error"


def test_a_scan_guard_that_times_out_fails_open(api_client, test_guards, guard_config) -> None:
    guard_config("sleepyguard", failure_policy="fail_open", settings={"delay": 1.5})
    body = api_client.post(SCAN, {"text": "hi", "guards": ["sleepyguard"], "timeout": 0.1}, format="json").json()
    result = body["results"][0]
    assert body["success"] is True and body["decision"] == "allow"
    assert result["data"]["policy"]["degraded"] is True
    assert result["data"]["policy"]["degraded_reason"]["code"] == "guard_timeout"
    assert GuardRequest.objects.get().degraded is True
