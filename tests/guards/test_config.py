from __future__ import annotations

import dataclasses

import pytest
from django.core.cache import cache

from guards.analyzers.registry import GUARD_NAMES
from guards.analyzers.schema import SettingsError
from guards.models import TenantGuardConfig
from guards.services.config import guard_config_resolve, tenant_guards_resolve
from tests.support.redis_trips import counting_round_trips


def test_a_new_tenant_gets_every_guard_enabled_in_process(tenant) -> None:
    configs = TenantGuardConfig.objects.filter(tenant=tenant)
    assert sorted(c.guard for c in configs) == sorted(GUARD_NAMES)
    assert all(c.enabled and c.backend_id is None and c.settings == {} for c in configs)


def test_resolution_is_cached_after_the_first_read(tenant, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        tenant_guards_resolve(tenant_id=tenant.pk)
    with django_assert_num_queries(0):
        resolved = guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard")
    assert resolved is not None and resolved.enabled


def test_no_config_is_cached_too(other_tenant, django_assert_num_queries) -> None:
    TenantGuardConfig.objects.filter(tenant=other_tenant).delete()
    assert guard_config_resolve(tenant_id=other_tenant.pk, guard="tokenguard") is None
    with django_assert_num_queries(0):
        assert guard_config_resolve(tenant_id=other_tenant.pk, guard="tokenguard") is None


def test_saving_a_config_invalidates_the_cached_resolution(tenant, test_guards, guard_config) -> None:
    guard_config("shoutguard", settings={"flag_threshold": 0.3})
    assert guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard").settings["flag_threshold"] == 0.3
    guard_config("shoutguard", settings={"flag_threshold": 0.7}, enabled=False)
    resolved = guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard")
    assert resolved.settings == {"flag_threshold": 0.7, "block_threshold": 0.9}
    assert resolved.enabled is False


def test_saving_a_backend_invalidates_its_tenants(tenant, test_guards, guard_config, http_backend) -> None:
    backend = http_backend("http://127.0.0.1:9", timeout=3.0)
    guard_config("shoutguard", backend=backend)
    assert guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard").backend.timeout == 3.0
    backend.timeout = 1.5
    from guards.services.config import guard_backend_save

    guard_backend_save(backend=backend)
    assert guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard").backend.timeout == 1.5


def test_settings_outside_the_schema_are_refused_with_per_key_errors(test_guards, guard_config) -> None:
    with pytest.raises(SettingsError) as info:
        guard_config("shoutguard", settings={"flag_threshold": 3, "volume": "loud"})
    assert set(info.value.errors) == {"flag_threshold", "volume"}


def test_settings_cannot_be_saved_for_a_guard_that_is_not_installed(test_guards, guard_config) -> None:
    with pytest.raises(SettingsError, match="not installed"):
        guard_config("ghostguard", settings={"x": 1})


def test_stored_settings_that_no_longer_validate_fall_back_to_defaults(tenant, test_guards) -> None:
    TenantGuardConfig.objects.create(tenant=tenant, guard="shoutguard",
                                     settings={"flag_threshold": 0.2, "removed_option": True})
    resolved = guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard")
    assert resolved.settings == {"flag_threshold": 0.2, "block_threshold": 0.9}


def test_registering_the_guard_services_routes_tenants_to_them(tenant) -> None:
    from io import StringIO

    from django.core.management import call_command

    assert guard_config_resolve(tenant_id=tenant.pk, guard="securityguard").backend.kind == "inprocess"
    out = StringIO()
    call_command("register_guard_services", "--route-tenants", stdout=out)
    assert out.getvalue().strip() == "registered 6 guard service backends, routed 6 tenant configs"
    backend = guard_config_resolve(tenant_id=tenant.pk, guard="securityguard").backend
    assert (backend.name, backend.base_url) == ("securityguard", "http://securityguard:8005")
    call_command("register_guard_services", stdout=StringIO())  # idempotent
    from guards.models import GuardBackend

    assert GuardBackend.objects.count() == 6


def test_a_warm_resolution_is_one_redis_round_trip(tenant, monkeypatch, django_assert_num_queries) -> None:
    tenant_guards_resolve(tenant_id=tenant.pk)
    with counting_round_trips(monkeypatch) as trips, django_assert_num_queries(0):
        assert guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard").enabled
    assert trips.calls == ["MGET"]


def test_configs_cached_under_a_replaced_version_are_not_served(tenant, django_assert_num_queries) -> None:
    # A reader that read the rows before a save commits caches them under the version it
    # read first; the save's after-commit bump makes that entry unreadable.
    resolved = tenant_guards_resolve(tenant_id=tenant.pk)
    stale = {**resolved, "tokenguard": dataclasses.replace(resolved["tokenguard"], enabled=False)}
    cache.set(f"guards:cfg:{tenant.pk}", ("an-old-version", stale))
    with django_assert_num_queries(1):
        assert guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard").enabled
    with django_assert_num_queries(0):
        assert guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard").enabled


def test_a_lost_version_key_forces_a_fresh_read(tenant, test_guards, guard_config) -> None:
    guard_config("shoutguard", settings={"flag_threshold": 0.3})
    assert guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard").settings["flag_threshold"] == 0.3
    TenantGuardConfig.objects.filter(tenant=tenant, guard="shoutguard").update(settings={"flag_threshold": 0.6})
    cache.delete(f"guards:cfgver:{tenant.pk}")  # Redis evicted the version, kept the configs
    assert guard_config_resolve(tenant_id=tenant.pk, guard="shoutguard").settings["flag_threshold"] == 0.6
