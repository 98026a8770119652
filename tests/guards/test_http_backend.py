from __future__ import annotations

import time

import pytest

from guards.analyzers.base import AnalyzerContext
from guards.errors import (
    BackendPayloadTooLarge,
    GuardAnalyzerError,
    GuardBackendError,
    GuardTimeout,
    GuardUnavailable,
    InputOverBudget,
    InvalidPayload,
)
from guards.services.backends import BackendSpec, GuardCall
from guards.services.backends.breaker import BreakerPolicy, CircuitBreaker
from guards.services.backends.http import SERVICE_TOKEN_HEADER, run_http
from tests.guards.fake_service import Reply, ok_body
from tests.support.processes import free_port


def _spec(url: str, **kw) -> BackendSpec:
    return BackendSpec(name="remote", kind="http", id=901, base_url=url, **{"timeout": 5.0, "max_retries": 2, **kw})


def _call(timeout: float = 5.0) -> GuardCall:
    return GuardCall(guard="shoutguard", payload={"text": "HELLO"}, settings={"flag_threshold": 0.4},
                     context=AnalyzerContext(request_id="req-1", tenant_key="t7", session_id="s1"), timeout=timeout,
                     meta={"session_id": "s1", "client_type": "api"})


def test_it_posts_the_seed_request_with_the_service_token_and_settings(fake_service) -> None:
    answer = run_http(_spec(fake_service.url), _call())
    assert answer.decision == "allow" and answer.data["analyzer_version"] == "remote-9"
    sent = fake_service.received[0]
    assert sent["path"] == "/process"
    assert sent["headers"][SERVICE_TOKEN_HEADER] == "service-token-for-tests"
    assert sent["headers"]["X-Request-ID"] == "req-1"
    assert sent["body"]["service_type"] == "shoutguard"
    assert sent["body"]["settings"] == {"flag_threshold": 0.4}
    assert sent["body"]["context"]["tenant_key"] == "t7"


def test_it_retries_a_503_and_returns_the_next_answer(fake_service) -> None:
    fake_service.plan(Reply(503, {"error": {"code": "x"}}), Reply(200, ok_body("block", 0.95)))
    assert run_http(_spec(fake_service.url), _call()).decision == "block"
    assert len(fake_service.received) == 2


def test_it_does_not_retry_a_500(fake_service) -> None:
    fake_service.plan(Reply(500, {"error": {"code": "internal_error"}}))
    with pytest.raises(GuardBackendError):
        run_http(_spec(fake_service.url), _call())
    assert len(fake_service.received) == 1


def test_a_400_from_the_service_is_the_callers_payload_error_not_a_backend_failure(fake_service) -> None:
    fake_service.plan(Reply(400, {"error": {"code": "invalid_request", "message": "bad",
                                            "fields": {"payload": {"text": ["Required."]}}}}))
    with pytest.raises(InvalidPayload) as info:
        run_http(_spec(fake_service.url), _call())
    assert info.value.fields == {"payload": {"text": ["Required."]}}
    assert CircuitBreaker(901, "remote").state() == "closed"


def test_the_request_timeout_is_capped_by_the_backends(fake_service) -> None:
    fake_service.plan(Reply(200, delay=1.5))
    started = time.monotonic()
    with pytest.raises(GuardTimeout):
        run_http(_spec(fake_service.url, timeout=0.3), _call(timeout=10))
    assert time.monotonic() - started < 1.0
    assert len(fake_service.received) == 1  # a read timeout is never retried


def test_a_refused_connection_is_retried_then_unavailable(settings) -> None:
    settings.GUARD_SERVICE_TOKEN = "t"
    started = time.monotonic()
    with pytest.raises(GuardUnavailable):
        run_http(_spec(f"http://127.0.0.1:{free_port()}", max_retries=2), _call())
    assert time.monotonic() - started >= 0.05 + 0.1  # two backoffs happened


def test_an_unexpected_body_is_a_backend_error(fake_service) -> None:
    fake_service.plan(Reply(200, b"<html>proxy error</html>"))
    with pytest.raises(GuardBackendError):
        run_http(_spec(fake_service.url), _call())


def test_the_auth_header_value_comes_from_the_named_secret(fake_service, monkeypatch) -> None:
    monkeypatch.setenv("REMOTE_GUARD_KEY", "Bearer s3cret")
    run_http(_spec(fake_service.url, auth_header="Authorization", auth_secret_name="REMOTE_GUARD_KEY"), _call())
    assert fake_service.received[0]["headers"]["Authorization"] == "Bearer s3cret"


def test_a_missing_secret_fails_without_calling_the_service(fake_service, monkeypatch) -> None:
    monkeypatch.delenv("REMOTE_GUARD_KEY", raising=False)
    with pytest.raises(GuardBackendError) as info:
        run_http(_spec(fake_service.url, auth_header="Authorization", auth_secret_name="REMOTE_GUARD_KEY"), _call())
    assert "REMOTE_GUARD_KEY" not in str(info.value.detail)
    assert fake_service.received == []


def test_failures_open_the_breaker_and_then_calls_are_refused_without_io(fake_service, settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 2
    fake_service.plan(*[Reply(500)] * 2)
    for _ in range(2):
        with pytest.raises(GuardBackendError):
            run_http(_spec(fake_service.url), _call())
    with pytest.raises(GuardUnavailable, match="circuit open"):
        run_http(_spec(fake_service.url), _call())
    assert len(fake_service.received) == 2


def test_an_analyzer_failing_on_the_input_is_neither_retried_nor_counted(fake_service, settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 2
    fake_service.plan(*[Reply(502, {"error": {"code": "guard_analyzer_error"}})] * 3)
    for _ in range(3):
        with pytest.raises(GuardAnalyzerError):
            run_http(_spec(fake_service.url, max_retries=2), _call())
    assert len(fake_service.received) == 3  # one call each: the same input would fail again
    assert CircuitBreaker(901, "remote").state() == "closed"


def test_a_413_from_the_service_is_the_payloads_not_the_backends(fake_service, settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 1
    fake_service.plan(Reply(413, {"error": {"code": "payload_too_large"}}))
    with pytest.raises(BackendPayloadTooLarge):
        run_http(_spec(fake_service.url), _call())
    assert CircuitBreaker(901, "remote").state() == "closed"


def test_a_services_input_budget_refusal_keeps_its_code_and_message(fake_service, settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 1
    message = "The payload has 900 characters of text; shoutguard analyses at most 100 (max_analysed_chars)."
    fake_service.plan(Reply(413, {"error": {"code": "input_too_large", "message": message,
                                            "fields": {"payload": {"text": [message]}}}}))
    with pytest.raises(InputOverBudget) as caught:
        run_http(_spec(fake_service.url), _call())
    assert caught.value.code == "input_too_large" and str(caught.value.detail) == message
    assert len(fake_service.received) == 1 and CircuitBreaker(901, "remote").state() == "closed"


def test_a_half_open_probe_that_succeeds_closes_the_breaker(fake_service, settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 1
    settings.GUARD_BREAKER_COOLDOWN_SECONDS = 0.2
    fake_service.plan(Reply(500))
    with pytest.raises(GuardBackendError):
        run_http(_spec(fake_service.url), _call())
    assert CircuitBreaker(901, "remote", BreakerPolicy.from_settings()).state() == "open"
    time.sleep(0.25)
    assert run_http(_spec(fake_service.url), _call()).decision == "allow"
    assert CircuitBreaker(901, "remote").state() == "closed"


def test_a_disabled_backend_is_unavailable(fake_service) -> None:
    with pytest.raises(GuardUnavailable):
        run_http(_spec(fake_service.url, active=False), _call())
    assert fake_service.received == []
