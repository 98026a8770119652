""""Try a guard": the API's answer for the tenant's configuration, audited as operator traffic, never billed."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group

from accounts.services import api_key_issue
from billing.models import UsageRecord
from billing.services import usage_month_total
from guards.models import GuardRequest, TenantGuardConfig
from guards.services.config import guard_config_save

pytestmark = pytest.mark.django_db
URL = "/admin/console/try-guard/"
SECRET = "my key is AKIAIOSFODNN7EXAMPLE and mail me at jane.doe@example.com"


def _try(client, tenant, guard: str, text: str, extra: str = ""):
    return client.post(URL, {"tenant": tenant.pk, "guard": guard, "text": text, "extra": extra})


def test_it_answers_like_process_for_the_tenants_config(admin_client, tenant) -> None:
    response = _try(admin_client, tenant, "securityguard", SECRET)
    assert response.status_code == 200 and response.context["status"] == 200
    body = response.context["body"]
    assert body["service_type"] == "securityguard" and body["success"] is True and body["request_id"]
    assert body["data"]["decision"] in ("flag", "block")
    assert "jane.doe@example.com" not in body["data"]["sanitized_text"]
    assert json.dumps(body, indent=2, ensure_ascii=False) in response.content.decode().replace("&quot;", '"')
    # The tenant's configuration applies: without the secret and PII detectors, the text passes.
    config = TenantGuardConfig.objects.get(tenant=tenant, guard="securityguard")
    config.settings = {"detectors": ["injection"]}
    guard_config_save(config=config, actor=None, via="test")
    assert _try(admin_client, tenant, "securityguard", SECRET).context["body"]["data"]["decision"] == "allow"


def test_it_is_the_same_answer_as_the_api_gives_the_tenants_key(admin_client, api_client, tenant) -> None:
    console = _try(admin_client, tenant, "tokenguard", "Count the tokens of this sentence, please.").context["body"]
    api = api_client.post("/api/v1/guards/process", {"service_type": "tokenguard", "payload": {
        "text": "Count the tokens of this sentence, please."}}, format="json").json()
    for body in (console, api):
        body.pop("request_id"), body.pop("processing_time")
        body["data"].pop("timings_ms")
    assert console == api


def test_it_is_audited_as_operator_traffic_and_not_billed(admin_client, tenant) -> None:
    before = usage_month_total(tenant_id=tenant.pk)
    assert _try(admin_client, tenant, "tokenguard", "hello there").context["status"] == 200
    row = GuardRequest.objects.get(tenant=tenant)
    assert row.client_type == "operator" and row.outcome == "success"
    assert usage_month_total(tenant_id=tenant.pk) == before
    assert not UsageRecord.objects.filter(tenant=tenant).exists()


def test_a_disabled_guard_answers_the_apis_403(admin_client, tenant) -> None:
    TenantGuardConfig.objects.filter(tenant=tenant, guard="biasguard").update(enabled=False)
    response = _try(admin_client, tenant, "biasguard", "text")
    assert response.context["status"] == 403
    assert response.context["body"]["error"]["code"] == "guard_not_enabled"


def test_a_bad_payload_answers_the_apis_400_naming_the_field(admin_client, tenant) -> None:
    response = _try(admin_client, tenant, "trustguard", "a claim", extra='{"output_text": "an answer", "sources": "not a list"}')
    assert response.context["status"] == 400
    assert response.context["body"]["success"] is False
    assert "sources" in json.dumps(response.context["body"]["error"])


def test_malformed_json_is_a_form_error_not_a_run(admin_client, tenant) -> None:
    response = _try(admin_client, tenant, "tokenguard", "x", extra="{not json")
    assert response.context["body"] is None
    assert "Not valid JSON" in response.content.decode()
    assert not GuardRequest.objects.exists()


def test_it_needs_a_staff_user_with_config_view_rights(client, django_user_model, tenant) -> None:
    assert client.get(URL).status_code == 302  # to the login page
    user = django_user_model.objects.create_user(username="s@example.com", password="pw-123-long-enough",
                                                 is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.groups.add(Group.objects.get(name="support"))
    assert client.get(URL).status_code == 200


def test_the_api_refuses_the_operator_client_type(api_client) -> None:
    response = api_client.post("/api/v1/guards/process", {"service_type": "tokenguard", "client_type": "operator",
                                                   "payload": {"text": "x"}}, format="json")
    assert response.status_code == 400


def test_the_console_uses_none_of_the_tenants_keys(admin_client, tenant) -> None:
    api_key_issue(tenant=tenant, name="x")  # the tenant has keys: the console still uses none of them
    _try(admin_client, tenant, "tokenguard", "hello")
    assert GuardRequest.objects.get(tenant=tenant).key_id is None
