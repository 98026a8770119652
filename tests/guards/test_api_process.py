from __future__ import annotations

import hashlib
import io

import pytest

from aiguardian.api import PayloadTooLarge
from billing.models import UsageRecord
from billing.services import usage_month_total
from guards.limits import LimitedJSONParser
from guards.models import GuardRequest, TenantGuardConfig
from tests.fixtures.accounts import issue_key
from tests.guards.fake_service import Reply
from tests.support.redis_trips import counting_round_trips

URL = "/api/v1/guards/process"


def _post(client, body, **extra):
    return client.post(URL, body, format="json", **extra)


def _body(guard="shoutguard", text="Hello there", **kw):
    return {"service_type": guard, "payload": {"text": text}, **kw}


@pytest.fixture
def shout(test_guards, guard_config):
    return guard_config("shoutguard")


def test_it_answers_the_seed_contract_for_a_real_guard(api_client) -> None:
    response = _post(api_client, _body("tokenguard", "Count the tokens of this sentence, please."))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"request_id", "service_type", "success", "data", "error", "processing_time", "service_used"}
    assert body["success"] is True and body["error"] is None
    assert body["service_type"] == body["service_used"] == "tokenguard"
    assert body["data"]["token_count"] > 0 and body["data"]["decision"] == "keep"
    assert body["request_id"] == response["X-Request-ID"]


def test_the_tenants_settings_drive_the_decision(api_client, shout, guard_config) -> None:
    assert _post(api_client, _body(text="HELLO there")).json()["data"]["decision"] == "flag"
    guard_config("shoutguard", settings={"flag_threshold": 0.8})
    data = _post(api_client, _body(text="HELLO there")).json()["data"]
    assert data["decision"] == "allow" and data["score"] == 0.5


def test_it_writes_one_audit_row_with_a_hash_and_no_raw_text(api_client, shout, api_key, tenant) -> None:
    response = _post(api_client, _body(text="SECRET plan"))
    row = GuardRequest.objects.get()
    assert row.request_id == response.json()["request_id"]
    assert (row.tenant_id, row.guard, row.outcome, row.decision) == (tenant.pk, "shoutguard", "success", "flag")
    assert row.key_prefix == api_key.prefix and row.backend == "inprocess"
    assert row.text_length == 11 and row.text_sha256 == hashlib.sha256(b"SECRET plan").hexdigest()
    assert row.raw_text == ""


def test_raw_text_is_kept_only_when_the_tenant_opted_in(api_client, shout, guard_config) -> None:
    guard_config("shoutguard", store_raw_text=True)
    _post(api_client, _body(text="keep me"))
    assert GuardRequest.objects.get().raw_text == "keep me"


def test_each_successful_call_is_metered(api_client, shout, tenant) -> None:
    before = usage_month_total(tenant_id=tenant.pk)
    _post(api_client, _body())
    _post(api_client, _body(guard="nope"))
    assert usage_month_total(tenant_id=tenant.pk) == before + 1
    # The billable unit is stored with the audit row, not only counted in Redis.
    assert list(UsageRecord.objects.filter(tenant=tenant).values_list("guard", "units")) == [("shoutguard", 1)]


def test_a_warm_process_request_makes_one_redis_round_trip(api_client, monkeypatch) -> None:
    # One script reads the key record, counts the request in the rate window and its unit in
    # the month counter, reads the month total, the plan limits and the config version +
    # configs (guards/services/prefetch.py); the answered call takes the reserved unit. The
    # last-used gate is remembered in process. Each extra round trip costs every request.
    body = _body("tokenguard", "Count the tokens of this sentence, please.")
    for _ in range(2):
        assert _post(api_client, body).status_code == 200
    with counting_round_trips(monkeypatch) as trips:
        for _ in range(3):
            assert _post(api_client, body).status_code == 200
    assert trips.calls == ["EVALSHA"] * 3


def test_a_keys_first_request_in_a_worker_is_counted_after_authentication(api_client, monkeypatch) -> None:
    # Not authenticated here yet: the window is not counted ahead (the old four round trips).
    body = _body("tokenguard", "Count the tokens of this sentence, please.")
    with counting_round_trips(monkeypatch) as trips:
        assert _post(api_client, body).status_code == 200
    assert trips.calls[0] == "GET" and "EVALSHA" in trips.calls


def test_it_refuses_a_request_without_a_key(client) -> None:
    response = client.post(URL, _body(), content_type="application/json")
    assert response.status_code == 401


def test_an_unknown_guard_is_404(api_client) -> None:
    response = _post(api_client, _body("magicguard"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_guard"


def test_a_guard_the_tenant_disabled_is_403(api_client, shout, guard_config) -> None:
    guard_config("shoutguard", enabled=False)
    response = _post(api_client, _body())
    assert response.status_code == 403 and response.json()["error"]["code"] == "guard_not_enabled"
    assert GuardRequest.objects.get().outcome == "denied"


def test_a_guard_without_config_is_403(api_client, tenant) -> None:
    TenantGuardConfig.objects.filter(tenant=tenant, guard="tokenguard").delete()
    from guards.services.config import config_cache_invalidate

    config_cache_invalidate(tenant_ids=[tenant.pk])
    assert _post(api_client, _body("tokenguard")).json()["error"]["code"] == "guard_not_enabled"


def test_a_guard_outside_the_keys_scopes_is_403(client, tenant, shout) -> None:
    key = issue_key(tenant, name="scoped", scopes=["tokenguard"])
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key.raw}"
    response = client.post(URL, _body(), content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "guard_not_in_key_scope"
    assert client.post(URL, _body("tokenguard"), content_type="application/json").status_code == 200


def test_a_declared_content_length_over_the_limit_is_413_before_parsing(api_client, settings, shout) -> None:
    settings.GUARD_MAX_REQUEST_BYTES = 200
    response = _post(api_client, _body(text="x" * 300))
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_the_parser_never_reads_past_the_limit_whatever_the_headers_said(settings) -> None:
    settings.GUARD_MAX_REQUEST_BYTES = 200
    with pytest.raises(PayloadTooLarge):
        LimitedJSONParser().parse(io.BytesIO(b'{"text": "' + b"x" * 300 + b'"}'))
    assert LimitedJSONParser().parse(io.BytesIO(b'{"text": "short"}')) == {"text": "short"}


@pytest.mark.parametrize(("body", "field"), [
    ({"payload": {"text": "x"}}, "service_type"),
    ({"service_type": "shoutguard", "payload": "text"}, "payload"),
    ({"service_type": "shoutguard", "payload": {"text": 5}}, "payload"),
    ({"service_type": "shoutguard", "payload": {"text": "x"}, "timeout": 0}, "timeout"),
    ({"service_type": "shoutguard", "payload": {"text": "x"}, "client_type": "fax"}, "client_type"),
    ({"service_type": "shoutguard", "payload": {"text": "x"}, "fallback_enabld": False}, "fallback_enabld"),
    ({"service_type": "shoutguard", "payload": {"text": "x"}, "session_id": "a b"}, "session_id"),
])
def test_invalid_requests_are_400_naming_the_field(api_client, shout, body, field) -> None:
    response = _post(api_client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["fields"]


def test_malformed_json_is_400(api_client) -> None:
    response = api_client.generic("POST", URL, b"{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"


def test_an_analyzer_payload_error_is_400_naming_the_payload_field(api_client, shout) -> None:
    response = _post(api_client, {"service_type": "shoutguard", "payload": {"content_type": "text"}})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"payload": {"text": ["This field is required."]}}
    assert GuardRequest.objects.get().outcome == "invalid"


def test_a_crashing_analyzer_is_a_502_that_leaks_nothing(api_client, test_guards, guard_config) -> None:
    guard_config("brokenguard")
    response = _post(api_client, _body("brokenguard"))
    assert response.status_code == 502 and response.json()["error"]["code"] == "guard_analyzer_error"
    assert "sk-live" not in response.content.decode()


def test_a_guard_whose_analyzer_is_not_installed_is_503(api_client, test_guards, tenant) -> None:
    TenantGuardConfig.objects.create(tenant=tenant, guard="ghostguard")
    response = _post(api_client, _body("ghostguard"))
    assert response.status_code == 503 and response.json()["error"]["code"] == "guard_unavailable"


def test_a_remote_backend_answers_with_the_guard_as_service_used(api_client, shout, guard_config, http_backend,
                                                                fake_service) -> None:
    guard_config("shoutguard", backend=http_backend(fake_service.url))
    body = _post(api_client, _body()).json()
    assert body["service_used"] == "shoutguard" and body["data"]["analyzer_version"] == "remote-9"
    assert GuardRequest.objects.get().backend == "remote"


def test_when_the_remote_fails_the_in_process_analyzer_answers_and_says_so(api_client, shout, guard_config,
                                                                          http_backend, fake_service) -> None:
    guard_config("shoutguard", backend=http_backend(fake_service.url, max_retries=0))
    fake_service.plan(Reply(500))
    body = _post(api_client, _body(text="HEY")).json()
    assert body["success"] is True
    assert body["service_used"] == "shoutguard (in-process fallback)"
    assert body["data"]["analyzer_version"] == "0.1.0" and body["data"]["decision"] == "block"
    assert GuardRequest.objects.get().outcome == "fallback"


def test_no_fallback_when_the_request_refuses_it(api_client, shout, guard_config, http_backend, fake_service) -> None:
    guard_config("shoutguard", backend=http_backend(fake_service.url, max_retries=0))
    fake_service.plan(Reply(500))
    response = _post(api_client, _body(fallback_enabled=False))
    assert response.status_code == 502 and response.json()["error"]["code"] == "guard_backend_error"


def test_no_fallback_when_the_tenant_config_forbids_it(api_client, shout, guard_config, http_backend,
                                                       fake_service) -> None:
    guard_config("shoutguard", backend=http_backend(fake_service.url, max_retries=0, timeout=0.2),
                 fallback_allowed=False)
    fake_service.plan(Reply(200, delay=0.6))
    response = _post(api_client, _body())
    assert response.status_code == 504 and response.json()["error"]["code"] == "guard_timeout"
    assert GuardRequest.objects.get().outcome == "timeout"


def test_calls_are_counted_and_timed_per_guard_backend_outcome_and_decision(api_client, shout) -> None:
    from prometheus_client import REGISTRY

    labels = {"guard": "shoutguard", "backend": "inprocess", "outcome": "success", "decision": "flag"}
    before = REGISTRY.get_sample_value("aiguardian_guard_requests_total", labels) or 0
    timed = REGISTRY.get_sample_value("aiguardian_guard_request_latency_seconds_count",
                                      {"guard": "shoutguard", "backend": "inprocess"}) or 0
    _post(api_client, _body(text="HELLO there"))
    assert REGISTRY.get_sample_value("aiguardian_guard_requests_total", labels) == before + 1
    assert REGISTRY.get_sample_value("aiguardian_guard_request_latency_seconds_count",
                                     {"guard": "shoutguard", "backend": "inprocess"}) == timed + 1


def test_trustguard_without_sources_does_not_block_an_answer_the_prompt_cannot_confirm(api_client, guard_config) -> None:
    guard_config("trustguard")
    body = {"service_type": "trustguard",
            "payload": {"text": "What is the capital of Australia?", "output_text": "The capital of Australia is Canberra."}}
    response = _post(api_client, body)
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["decision"] == "allow" and data["reference"] == "prompt"
    assert [(f["type"], f["severity"]) for f in data["findings"]] == [("unverifiable_claim", "low")]


def test_shared_payload_fields_follow_the_contract_null_means_left_out(api_client) -> None:
    ok = _post(api_client, {"service_type": "securityguard", "payload": {"text": "hi", "content_type": None}})
    assert ok.status_code == 200, ok.content
    assert ok.json()["data"]["content_type"] == "text"
    refused = _post(api_client, {"service_type": "securityguard", "payload": {"text": 5, "content_type": "pdf"}})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"payload": {"text": ["Must be a string."]}}
