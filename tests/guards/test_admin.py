from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from guards.admin import TenantGuardConfigForm
from guards.models import GuardBackend, TenantGuardConfig
from guards.services.config import guard_config_resolve


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="op@example.com", email="op@example.com",
                                                      password="pw-123-long-enough")
    client.force_login(user)
    return client


def test_the_config_form_shows_the_schemas_errors_per_key(tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    form = TenantGuardConfigForm(instance=config, data={
        "tenant": tenant.pk, "guard": "tokenguard", "enabled": "on",
        "settings": '{"max_trim_ratio": 2, "colour": "red"}', "fallback_allowed": "on"})
    assert not form.is_valid()
    assert form.errors["settings"] == ["max_trim_ratio: Must be at most 1.0.", "colour: Unknown setting."]


def test_saving_a_config_in_the_admin_invalidates_the_cache(admin_client_, tenant) -> None:
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="tokenguard")
    assert guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard").enabled
    response = admin_client_.post(f"/admin/guards/tenantguardconfig/{config.pk}/change/", {
        "tenant": tenant.pk, "guard": "tokenguard", "settings": '{"max_tokens": 100}', "fallback_allowed": "on"})
    assert response.status_code == 302
    resolved = guard_config_resolve(tenant_id=tenant.pk, guard="tokenguard")
    assert resolved.enabled is False and resolved.settings["max_tokens"] == 100


def test_check_health_now_reports_each_backend(admin_client_, fake_service) -> None:
    backend = GuardBackend.objects.create(name="sec", kind="http", base_url=fake_service.url)
    response = admin_client_.post("/admin/guards/guardbackend/", {
        "action": "check_health_now", "_selected_action": [backend.pk]}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("sec: healthy, breaker closed") for t in texts), texts
    assert fake_service.received[-1]["path"] == "/health"


def test_guard_requests_are_read_only(admin_client_) -> None:
    assert admin_client_.get("/admin/guards/guardrequest/add/").status_code == 403
    assert admin_client_.get("/admin/guards/guardrequest/?outcome=timeout").status_code == 200
