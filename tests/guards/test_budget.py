"""The per-guard input budget: analyse the first N characters and say so (never ``allow``), or 413."""

from __future__ import annotations

import pytest

from billing.services import usage_month_total
from guards.analyzers.schema import SettingsError
from guards.models import GuardRequest
from guards.services.budget import Budget, input_budget_apply
from guards.services.config import guard_settings_validate

PROCESS, SCAN = "/api/v1/guards/process", "/api/v1/guards/scan"
QUIET = "quiet words " * 20  # 240 characters, no upper case


def _truncations(data: dict) -> list[dict]:
    return [f for f in data["findings"] if f["type"] == "input_truncated"]


@pytest.fixture
def shout(test_guards, guard_config):
    return guard_config("shoutguard", settings={"max_analysed_chars": 100})


def test_truncate_analyses_the_start_and_flags_the_unread_tail(api_client, shout) -> None:
    text = QUIET + "AN UNREAD SHOUTING TAIL"
    response = api_client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": text}}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["letters"] == sum(c.isalpha() for c in text[:100])  # the analyzer saw 100 characters
    assert data["score"] == 0.0 and data["decision"] == "flag"  # clean start, but the tail was not read
    (finding,) = _truncations(data)
    assert (finding["start"], finding["end"], finding["source"]) == (100, len(text), "text")
    assert finding["detail"] == {"field": "text", "analysed_chars": 100, "total_chars": len(text),
                                 "max_analysed_chars": 100}


def test_a_text_within_the_budget_is_untouched(api_client, shout) -> None:
    response = api_client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": QUIET[:100]}},
                               format="json")
    data = response.json()["data"]
    assert data["decision"] == "allow" and _truncations(data) == []


def test_a_worse_decision_is_kept(api_client, shout) -> None:
    text = "LOUD " * 30
    data = api_client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": text}},
                           format="json").json()["data"]
    assert data["decision"] == "block" and len(_truncations(data)) == 1


def test_reject_refuses_with_413_naming_the_limit(api_client, test_guards, guard_config, tenant) -> None:
    guard_config("shoutguard", settings={"max_analysed_chars": 100, "oversize_policy": "reject"})
    before = usage_month_total(tenant_id=tenant.pk)
    response = api_client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": QUIET}}, format="json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "input_too_large"
    assert "100" in error["message"] and "240" in error["message"] and "max_analysed_chars" in error["message"]
    assert "text" in error["fields"]["payload"]
    row = GuardRequest.objects.get(guard="shoutguard")
    assert (row.outcome, row.error_code) == ("invalid", "input_too_large")
    assert usage_month_total(tenant_id=tenant.pk) == before


def test_the_deployment_default_applies_without_an_override(api_client, settings, test_guards, guard_config) -> None:
    guard_config("shoutguard")
    settings.GUARD_MAX_ANALYSED_CHARS = 50
    settings.GUARD_OVERSIZE_POLICY = "reject"
    response = api_client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": QUIET}}, format="json")
    assert response.status_code == 413 and "at most 50" in response.json()["error"]["message"]


def test_per_guard_deployment_values_override_the_default(settings) -> None:
    settings.GUARD_MAX_ANALYSED_CHARS = 50
    settings.GUARD_MAX_ANALYSED_CHARS_BY_GUARD = {"tokenguard": 1000}
    assert Budget.of("tokenguard", {}).max_chars == 1000
    assert Budget.of("biasguard", {}).max_chars == 50
    assert Budget.of("biasguard", {"max_analysed_chars": 70}).max_chars == 70


def test_the_budget_counts_text_then_output_then_sources() -> None:
    payload = {"text": "a" * 40, "output_text": "b" * 40, "sources": ["c" * 40, {"text": "d" * 40}], "model": "m"}
    cut, cuts = input_budget_apply(guard="trustguard", payload=payload, budget=Budget(100, "truncate"))
    assert (cut["text"], cut["output_text"], cut["sources"][0], cut["sources"][1]["text"]) == (
        "a" * 40, "b" * 40, "c" * 20, "")
    assert [(c.field, c.analysed, c.total) for c in cuts] == [("sources[0]", 20, 40), ("sources[1].text", 0, 40)]
    assert payload["sources"][0] == "c" * 40 and payload["sources"][1]["text"] == "d" * 40  # caller's copy intact
    assert cut["model"] == "m"


def test_scan_flags_every_guard_that_read_only_part(api_client, test_guards, guard_config) -> None:
    guard_config("shoutguard", settings={"max_analysed_chars": 100})
    response = api_client.post(SCAN, {"text": QUIET + "TAIL", "guards": ["shoutguard", "tokenguard"]}, format="json")
    body = response.json()
    assert response.status_code == 200, body
    results = {r["service_type"]: r["data"] for r in body["results"]}
    assert _truncations(results["shoutguard"]) and results["shoutguard"]["decision"] == "flag"
    assert _truncations(results["tokenguard"]) == []  # its own (default) budget is far larger
    assert body["decision"] == "flag"


def test_scan_rejects_per_guard_under_reject(api_client, test_guards, guard_config) -> None:
    guard_config("shoutguard", settings={"max_analysed_chars": 100, "oversize_policy": "reject"})
    body = api_client.post(SCAN, {"text": QUIET, "guards": ["shoutguard", "tokenguard"]}, format="json").json()
    results = {r["service_type"]: r for r in body["results"]}
    assert results["shoutguard"]["error"]["code"] == "input_too_large"
    assert results["tokenguard"]["success"] is True
    assert body["success"] is False


def test_the_budget_settings_are_validated_and_described(api_client) -> None:
    assert guard_settings_validate(guard="biasguard", values={"max_analysed_chars": 5000,
                                                              "oversize_policy": "reject"})
    with pytest.raises(SettingsError) as caught:
        guard_settings_validate(guard="biasguard", values={"max_analysed_chars": 0, "oversize_policy": "drop"})
    assert set(caught.value.errors) == {"max_analysed_chars", "oversize_policy"}
    services = api_client.get("/api/v1/guards/services").json()["services"]
    schema = next(s for s in services if s["name"] == "biasguard")["settings_schema"]
    assert {"max_analysed_chars", "oversize_policy"} <= set(schema)
