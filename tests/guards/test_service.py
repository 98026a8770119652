"""The standalone guard service's views (the same code gunicorn serves in the integration tests)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from guards.services.backends.http import SERVICE_TOKEN_HEADER
from guards.standalone.views import HealthView, ProcessView


@pytest.fixture
def service(settings, test_guards):
    settings.GUARD_SERVICE_NAME = "shoutguard"
    settings.GUARD_SERVICE_TOKEN = "tok"


def _post(body, token="tok"):
    headers = {f"HTTP_{SERVICE_TOKEN_HEADER.upper().replace('-', '_')}": token} if token else {}
    request = APIRequestFactory().post("/process", body, format="json", **headers)
    request.request_id = "req-9"
    return ProcessView.as_view()(request)


def _body(**kw):
    return {"service_type": "shoutguard", "payload": {"text": "LOUD noises"}, "settings": {"flag_threshold": 0.2},
            "context": {"tenant_key": "t3", "backend_health": None}, **kw}


def test_it_runs_its_guard_with_the_settings_and_tenant_key_it_is_sent(service) -> None:
    response = _post(_body())
    assert response.status_code == 200
    assert response.data["service_used"] == "shoutguard" and response.data["data"]["decision"] == "flag"
    assert response.data["data"]["tenant_key"] == "t3"


@pytest.mark.parametrize("token", [None, "wrong"])
def test_it_refuses_calls_without_the_service_token(service, token) -> None:
    response = _post(_body(), token=token)
    assert response.status_code == 401 and response.data["error"]["code"] == "invalid_service_token"


def test_it_refuses_another_guards_request(service) -> None:
    assert _post(_body(service_type="tokenguard")).status_code == 404


def test_a_payload_error_is_a_400_naming_the_field(service) -> None:
    response = _post(_body(payload={"content_type": "text"}))
    assert response.status_code == 400 and response.data["error"]["fields"] == {
        "payload": {"text": ["This field is required."]}}


def test_settings_outside_its_schema_are_refused(service) -> None:
    assert _post(_body(settings={"flag_threshold": 7})).status_code == 502


def test_health_names_the_guard_and_its_version(service) -> None:
    response = HealthView.as_view()(APIRequestFactory().get("/health"))
    assert response.data == {"status": "healthy", "service": "shoutguard", "version": "0.1.0"}
