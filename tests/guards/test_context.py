from __future__ import annotations

from guards.services.backends.breaker import CircuitBreaker
from guards.services.config import tenant_backends
from guards.services.context import TenantBackendHealth, analyzer_context


def test_the_backend_health_snapshot_shows_breaker_state_and_recent_latency(tenant, guard_config, http_backend,
                                                                           settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 1
    backend = http_backend("http://127.0.0.1:9", name="sec-remote")
    guard_config("securityguard", backend=backend)
    breaker = CircuitBreaker(backend.pk, backend.name)
    breaker.record_success(12.0)
    breaker.record_success(30.0)
    breaker.record_failure(50.0)
    snapshot = TenantBackendHealth(tenant_backends(tenant_id=tenant.pk)).snapshot()
    remote = next(s for s in snapshot if s["name"] == "sec-remote")
    assert remote["breaker_state"] == "open" and remote["recent_calls"] == 3
    assert remote["latency_p50_ms"] == 30.0 and remote["latency_p95_ms"] == 50.0
    assert remote["error_rate"] == 0.333
    assert any(s["name"] == "inprocess" for s in snapshot)  # the tenant's other guards


def test_healthguard_reports_the_tenants_backends_through_the_api(api_client, guard_config, http_backend,
                                                                  settings) -> None:
    settings.GUARD_BREAKER_FAILURES = 1
    backend = http_backend("http://127.0.0.1:9", name="sec-remote")
    guard_config("securityguard", backend=backend)
    CircuitBreaker(backend.pk, backend.name).record_failure(20.0)
    response = api_client.post("/api/v1/guards/process", {"service_type": "healthguard",
                                                          "payload": {"text": "All good here."}}, format="json")
    assert response.status_code == 200, response.json()
    backends = {b["name"]: b for b in response.json()["data"]["platform"]["backends"]}
    assert backends["sec-remote"]["breaker_state"] == "open" and backends["sec-remote"]["status"] == "down"


def test_the_context_scopes_memory_and_budgets_to_the_tenant_key() -> None:
    context = analyzer_context(request_id="r", tenant_key="t42", session_id="s")
    assert context.memory.tenant_key == "t42" and context.budgets.tenant_key == "t42"
    assert analyzer_context(request_id="r", tenant_key="", session_id=None).memory is None
