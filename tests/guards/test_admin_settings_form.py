"""The guard-config admin page is a typed form generated from the guard's settings schema."""

from __future__ import annotations

import pytest

from guards.models import TenantGuardConfig
from guards.services.config import guard_config_resolve

pytestmark = pytest.mark.django_db


def _url(config: TenantGuardConfig) -> str:
    return f"/admin/guards/tenantguardconfig/{config.pk}/change/"


def _post(config: TenantGuardConfig, **fields: object) -> dict[str, object]:
    return {"tenant": config.tenant_id, "guard": config.guard, "enabled": "on", "fallback_allowed": "on",
            "mode": "enforce", "failure_policy": "fail_closed", "settings": "{}", **fields}


def test_the_page_has_one_typed_field_per_setting_with_its_default_range_and_help(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="securityguard")
    page = admin_client.get(_url(config)).content.decode()
    assert 'name="setting__block_threshold"' in page and 'type="number"' in page
    assert 'max="1.0"' in page and "Default: 0.85." in page and "Range: 0.0 … 1.0." in page
    assert 'name="setting__redact"' in page and "Default (yes)" in page  # a boolean as a choice
    assert 'type="checkbox" name="setting__detectors" value="pii"' in page  # a list of choices
    assert 'name="setting__oversize_policy"' in page and '<option value="reject">' in page
    assert 'name="setting__blocked_domains"' in page  # a free list, one item per line
    assert "Raw JSON (advanced)" in page


def test_typed_values_are_saved_as_typed_overrides(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="securityguard")
    response = admin_client.post(_url(config), _post(
        config, setting__block_threshold="0.7", setting__redact="false", setting__detectors=["pii", "secrets"],
        setting__blocked_domains="evil.example\nbad.example", setting__oversize_policy="reject"))
    assert response.status_code == 302, response.content.decode()[:2000]
    config.refresh_from_db()
    assert config.settings == {"block_threshold": 0.7, "redact": False, "detectors": ["pii", "secrets"],
                               "blocked_domains": ["evil.example", "bad.example"], "oversize_policy": "reject"}
    assert guard_config_resolve(tenant_id=tenant.pk, guard="securityguard").settings["block_threshold"] == 0.7


def test_an_out_of_range_value_is_refused_on_its_own_field(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="securityguard")
    response = admin_client.post(_url(config), _post(config, setting__block_threshold="1.5"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["setting__block_threshold"] == ["block_threshold: Must be at most 1.0."]
    config.refresh_from_db()
    assert config.settings == {}


def test_emptying_a_typed_field_goes_back_to_the_default(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    config.settings = {"max_tokens": 100, "truncate_to_fit": False}
    config.save()
    page = admin_client.get(_url(config)).content.decode()
    assert 'name="setting__max_tokens" value="100"' in page
    response = admin_client.post(_url(config), _post(
        config, settings='{"max_tokens": 100, "truncate_to_fit": false}', setting__max_tokens="",
        setting__truncate_to_fit="false"))
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.settings == {"truncate_to_fit": False}


def test_the_raw_json_still_sets_what_the_typed_fields_leave_alone(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    response = admin_client.post(_url(config), _post(config, settings='{"max_trim_ratio": 0.25}'))
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.settings == {"max_trim_ratio": 0.25}
    refused = admin_client.post(_url(config), _post(config, settings='{"colour": "red"}'))
    assert refused.context["adminform"].form.errors["settings"] == ["colour: Unknown setting."]


def test_a_word_in_a_number_field_is_refused_on_that_field(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    response = admin_client.post(_url(config), _post(config, setting__max_tokens="lots"))
    assert response.status_code == 200
    assert "setting__max_tokens" in response.context["adminform"].form.errors


def test_checkboxes_show_the_default_list_and_saving_untouched_stores_nothing(admin_client, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="biasguard")
    page = admin_client.get(_url(config)).content.decode()
    assert 'name="setting__categories" value="gender" id="id_setting__categories_0" checked' in page
    every = ["gender", "race_ethnicity", "religion", "age", "disability", "sexual_orientation", "nationality",
             "socioeconomic", "offensive"]
    assert admin_client.post(_url(config), _post(config, setting__categories=every)).status_code == 302
    config.refresh_from_db()
    assert config.settings == {}
    assert admin_client.post(_url(config), _post(config, setting__categories=["age"])).status_code == 302
    config.refresh_from_db()
    assert config.settings == {"categories": ["age"]}


def test_the_form_and_the_published_schema_list_the_same_settings(api_client) -> None:
    from guards.settings_form import settings_fields

    services = api_client.get("/api/v1/guards/services").json()["services"]
    assert len(services) == 6
    for service in services:
        published = service["settings_schema"]
        typed = {name for name, spec in published.items() if spec["type"] != "dict"}
        assert set(settings_fields(service["name"])) == {f"setting__{name}" for name in typed}, service["name"]
        for name in typed:
            field = settings_fields(service["name"])[f"setting__{name}"]
            assert "Default:" in field.help_text
