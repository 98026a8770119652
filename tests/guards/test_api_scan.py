from __future__ import annotations

import pytest

from guards.models import GuardRequest, TenantGuardConfig
from guards.services.runner import RunResult
from guards.services.scan import overall_decision
from tests.fixtures.accounts import issue_key

URL = "/api/v1/guards/scan"


@pytest.fixture
def guards_on(test_guards, guard_config):
    guard_config("shoutguard")
    guard_config("brokenguard")


def _result(decision: str | None) -> RunResult:
    return RunResult(guard="g", service_used="g", processing_time=0, outcome="success", backend="inprocess",
                     data=None if decision is None else {"decision": decision})


def test_the_overall_decision_is_the_most_severe_across_vocabularies() -> None:
    assert overall_decision([_result("keep"), _result("allow")]) == "allow"
    assert overall_decision([_result("allow"), _result("trim")]) == "flag"
    assert overall_decision([_result("flag"), _result("reject")]) == "block"


def test_a_failed_guard_counts_as_flag() -> None:
    assert overall_decision([_result("allow"), _result(None)]) == "flag"


def test_it_runs_the_listed_guards_and_returns_each_result(api_client, guards_on) -> None:
    response = api_client.post(URL, {"text": "HELLO WORLD", "guards": ["shoutguard", "tokenguard"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [r["service_type"] for r in body["results"]] == ["shoutguard", "tokenguard"]
    assert body["decision"] == "block" and body["success"] is True
    assert GuardRequest.objects.filter(request_id=body["request_id"]).count() == 2


def test_without_a_list_it_runs_every_guard_the_tenant_enabled(api_client, guards_on, tenant) -> None:
    TenantGuardConfig.objects.filter(tenant=tenant).exclude(guard__in=["shoutguard", "brokenguard"]).update(
        enabled=False)
    from guards.services.config import config_cache_invalidate

    config_cache_invalidate(tenant_ids=[tenant.pk])
    response = api_client.post(URL, {"text": "quiet words"}, format="json")
    body = response.json()
    assert response.status_code == 200, body
    results = {r["service_type"]: r for r in body["results"]}
    assert set(results) == {"shoutguard", "brokenguard"}
    assert results["brokenguard"]["error"]["code"] == "guard_analyzer_error"
    assert body["success"] is False and body["decision"] == "flag"  # allow + unknown


def test_a_listed_guard_outside_the_keys_scope_is_403(client, tenant, guards_on) -> None:
    key = issue_key(tenant, name="scoped", scopes=["tokenguard"])
    response = client.post(URL, {"text": "x", "guards": ["tokenguard", "shoutguard"]},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key.raw}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "guard_not_in_key_scope"


def test_a_listed_unknown_guard_is_404(api_client) -> None:
    response = api_client.post(URL, {"text": "x", "guards": ["tokenguard", "magicguard"]}, format="json")
    assert response.status_code == 404


def test_scan_validates_strictly(api_client) -> None:
    response = api_client.post(URL, {"txt": "x"}, format="json")
    assert response.status_code == 400 and "text" in response.json()["error"]["fields"]


def test_a_guard_that_overruns_the_deadline_is_reported_as_timed_out(api_client, guards_on, guard_config) -> None:
    guard_config("sleepyguard")
    response = api_client.post(URL, {"text": "quiet", "guards": ["shoutguard", "sleepyguard"], "timeout": 0.2},
                               format="json")
    results = {r["service_type"]: r for r in response.json()["results"]}
    assert results["sleepyguard"]["error"]["code"] == "guard_timeout"
    assert results["shoutguard"]["success"] is True
    assert GuardRequest.objects.get(guard="sleepyguard").outcome == "timeout"


def test_scanning_everything_skips_guards_whose_input_is_absent(api_client) -> None:
    # Every real guard is enabled for a new tenant; contextguard needs a session.
    response = api_client.post(URL, {"text": "Plain words about the weather."}, format="json")
    body = response.json()
    assert response.status_code == 200, body
    ran = {r["service_type"] for r in body["results"]}
    assert "contextguard" not in ran
    assert {"tokenguard", "securityguard", "biasguard", "healthguard"} <= ran
    assert all(r["success"] for r in body["results"]), body

    with_session = api_client.post(URL, {"text": "Plain words about the weather.", "session_id": "s-1"},
                                   format="json").json()
    assert "contextguard" in {r["service_type"] for r in with_session["results"]}


def test_a_named_guard_runs_even_without_its_input(api_client) -> None:
    response = api_client.post(URL, {"text": "x", "guards": ["contextguard"]}, format="json")
    result = response.json()["results"][0]
    assert result["error"]["code"] == "invalid_request"
