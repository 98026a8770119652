"""The guard API with Redis unreachable or frozen: answers from the database, never a 500.

In-process (Django's test client, Redis made unreachable by the ``redis_down`` and
``redis_frozen`` fixtures); tests/faults repeats the important cases against real
gunicorn, PostgreSQL and a redis-server that is stopped and frozen.
"""

from __future__ import annotations

import time

from billing.models import UsageRecord
from guards.models import GuardBackend, GuardRequest
from guards.services.backends.breaker import CircuitBreaker
from guards.services.config import guard_config_resolve, tenant_guards_resolve

URL = "/api/v1/guards/process"
BODY = {"service_type": "tokenguard", "payload": {"text": "Count the tokens of this sentence, please."}}



def test_process_answers_and_records_the_call_while_redis_is_down(api_client, tenant, redis_down) -> None:
    for _ in range(3):
        response = api_client.post(URL, BODY, format="json")
        assert response.status_code == 200, response.content
    assert GuardRequest.objects.filter(tenant=tenant, outcome="success").count() == 3
    assert UsageRecord.objects.get(tenant=tenant, guard="tokenguard").units == 3


def test_a_frozen_redis_costs_one_timeout_then_nothing(api_client, redis_frozen) -> None:
    timings = []
    for _ in range(4):
        started = time.monotonic()
        assert api_client.post(URL, BODY, format="json").status_code == 200
        timings.append(time.monotonic() - started)
    # The first call waits on the socket once (REDIS_SOCKET_TIMEOUT, 2 s), the others skip Redis at once.
    assert timings[0] < 3.5 and max(timings[1:]) < 0.5, timings


def test_failing_closed_answers_a_json_503(api_client, redis_down, settings) -> None:
    settings.THROTTLE_FAIL_OPEN = False
    response = api_client.post(URL, BODY, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "rate_limit_unavailable" and int(response["Retry-After"]) >= 1


def test_contextguard_without_its_session_memory_is_unavailable_not_broken(api_client, redis_down) -> None:
    body = {"service_type": "contextguard", "session_id": "chat-9", "payload": {"text": "Plan the trip to Oslo."}}
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 503 and response.json()["error"]["code"] == "guard_unavailable"
    sessions = api_client.get("/api/v1/guards/sessions/chat-9")
    assert sessions.status_code == 503 and sessions.json()["error"]["code"] == "guard_unavailable"


def test_discovery_and_health_answer_without_redis(api_client, redis_down) -> None:
    assert api_client.get("/api/v1/guards/services").status_code == 200
    assert api_client.get("/api/v1/guards/health").status_code == 200


def test_configs_are_read_from_the_database_while_redis_is_down(tenant, redis_down, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard").enabled
    tenant.guard_configs.filter(guard="tokenguard").update(enabled=False)
    assert not tenant_guards_resolve(tenant_id=tenant.pk)["tokenguard"].enabled  # nothing stale cached


def test_the_breaker_keeps_counting_in_the_process_while_redis_is_down(redis_down, settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 2
    backend = GuardBackend(id=987_654, name="remote")
    breaker = CircuitBreaker(backend.id, backend.name)
    assert breaker.record_failure(5.0) == "closed"
    assert breaker.record_failure(5.0) == "open"
    assert breaker.allow() == (False, "open")
    assert [ok for _, ok in breaker.recent_calls()] == [False, False]
    breaker.reset()


def test_readiness_says_not_ready_within_its_deadline_when_redis_is_frozen(client, redis_frozen, db) -> None:
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and elapsed < 2.0
    checks = response.json()["checks"]
    assert checks["cache"]["status"] == "error" and checks["database"]["status"] == "ok"
