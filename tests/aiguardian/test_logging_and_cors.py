"""Request ids reach every log line; CORS follows ALLOWED_ORIGINS."""

from __future__ import annotations

import json
import logging

import pytest
from django.http import JsonResponse
from django.test import override_settings
from django.urls import path

from aiguardian.logging import JsonFormatter, RequestIdFilter

logger = logging.getLogger("tests.request_log")


def logging_view(request):
    logger.warning("handled inside the view")
    return JsonResponse({"ok": True})


urlpatterns = [path("log-me", logging_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_log_lines_written_during_a_request_carry_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="tests.request_log"):
        client.get("/log-me", HTTP_X_REQUEST_ID="req-42")
    records = [r for r in caplog.records if r.name == "tests.request_log"]
    assert [r.request_id for r in records] == ["req-42"]


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_production_log_lines_are_json_objects_with_the_request_id():
    record = logging.LogRecord("aiguardian.x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.request_id = "req-7"
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["message"] == "hello world"
    assert data["request_id"] == "req-7"
    assert data["level"] == "INFO" and data["logger"] == "aiguardian.x"


@pytest.mark.parametrize(("origin", "allowed"), [("https://app.example.com", True), ("https://evil.example", False)])
def test_cors_allows_only_the_configured_origins(client, settings, origin, allowed):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = client.options(
        "/api/v1/guards/process", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key,content-type",
    )
    assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed
    if allowed:
        assert "x-api-key" in response.headers["Access-Control-Allow-Headers"]
