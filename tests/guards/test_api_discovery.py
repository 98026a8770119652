from __future__ import annotations

from guards.analyzers.registry import GUARD_NAMES, analyzer_class
from guards.models import TenantGuardConfig
from tests.guards.fake_service import Reply


def test_services_lists_every_guard_with_the_tenants_routing(api_client, tenant) -> None:
    TenantGuardConfig.objects.filter(tenant=tenant, guard="biasguard").update(enabled=False)
    from guards.services.config import config_cache_invalidate

    config_cache_invalidate(tenant_ids=[tenant.pk])
    response = api_client.get("/api/v1/guards/services")
    assert response.status_code == 200
    services = {s["name"]: s for s in response.json()["services"]}
    assert set(services) == set(GUARD_NAMES)
    assert services["tokenguard"]["enabled"] is True and services["tokenguard"]["port"] == 8001
    assert services["tokenguard"]["version"] and "max_tokens" in services["tokenguard"]["settings_schema"]
    assert services["biasguard"]["enabled"] is False and services["biasguard"]["status"] == "not_enabled"


def test_services_lists_each_guards_payload_fields_from_its_contract(api_client) -> None:
    services = {s["name"]: s for s in api_client.get("/api/v1/guards/services").json()["services"]}
    trust = services["trustguard"]["payload_fields"]
    assert trust["output_text"]["required"] is True and trust["output_text"]["type"] == "string"
    assert trust["sources"]["type"] == "array" and trust["text"]["required"] is False
    assert {"model", "messages", "max_tokens", "optimize"} <= set(services["tokenguard"]["payload_fields"])
    assert services["contextguard"]["payload_fields"]["role"]["enum"] == ["user", "assistant", "system"]
    for name in GUARD_NAMES:
        contract = analyzer_class(name).contract
        assert services[name]["payload_fields"] == contract.payload.describe()
        assert services[name]["payload_example"] == contract.example


def test_health_reports_a_remote_backend_as_unhealthy_or_degraded_with_fallback(
    api_client, test_guards, guard_config, http_backend, fake_service,
) -> None:
    backend = http_backend(fake_service.url)
    guard_config("shoutguard", backend=backend)
    fake_service.plan(Reply(500))
    health = api_client.get("/api/v1/guards/health/shoutguard").json()
    assert health["status"] == "degraded" and health["fallback_available"] is True
    assert fake_service.received[-1]["path"] == "/health"
    guard_config("shoutguard", fallback_allowed=False)
    from django.core.cache import cache

    cache.delete(f"guards:health:{backend.pk}")
    fake_service.plan(Reply(500))
    assert api_client.get("/api/v1/guards/health/shoutguard").json()["status"] == "unhealthy"


def test_health_of_an_in_process_guard_names_its_version(api_client) -> None:
    body = api_client.get("/api/v1/guards/health/tokenguard").json()
    assert body["status"] == "healthy" and body["backend"] == "inprocess" and body["version"]


def test_health_of_an_unknown_service_is_404(api_client) -> None:
    assert api_client.get("/api/v1/guards/health/magicguard").json()["error"]["code"] == "unknown_guard"


def test_overall_health_is_the_worst_enabled_guard(api_client, tenant, test_guards) -> None:
    TenantGuardConfig.objects.filter(tenant=tenant).update(enabled=False)
    TenantGuardConfig.objects.create(tenant=tenant, guard="ghostguard")
    TenantGuardConfig.objects.filter(tenant=tenant, guard="tokenguard").update(enabled=True)
    from guards.services.config import config_cache_invalidate

    config_cache_invalidate(tenant_ids=[tenant.pk])
    body = api_client.get("/api/v1/guards/health").json()
    assert body["services"]["tokenguard"]["status"] == "healthy"
    assert body["services"]["ghostguard"]["status"] == "unhealthy"
    assert body["status"] == "unhealthy"


def test_the_openapi_schema_shows_the_process_contract(client) -> None:
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/guards/process"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "403", "404", "413", "502", "503", "504"}
    variant = schema["components"]["schemas"]["TokenguardProcessRequest"]["properties"]
    assert {"service_type", "payload", "timeout", "fallback_enabled", "client_type", "priority"} <= set(variant)
