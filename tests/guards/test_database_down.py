"""The guard API while PostgreSQL cannot be reached: warm requests answer, cold ones get a JSON 503."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.models import QuerySet

from accounts.services import api_keys
from guards.services import audit
from guards.services.audit import AuditEntry, AuditWriter, audit_spool_dir

URL = "/api/v1/guards/process"
BODY = {"service_type": "tokenguard", "payload": {"text": "Count the tokens of this sentence, please."}}



@pytest.fixture
def spool_here(tmp_path, settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.GUARD_SPOOL_DIR = str(tmp_path)
    monkeypatch.setattr(audit, "_writer", None)
    monkeypatch.setattr(AuditWriter, "ensure_thread", lambda self: None)  # the test reads the spool itself


def _refuse(*args, **kwargs):
    raise OperationalError("connection to server failed: Connection refused")


def test_a_warm_request_answers_and_its_record_waits_in_the_spool(api_client, spool_here, monkeypatch):
    assert api_client.post(URL, BODY, format="json").status_code == 200  # warms key, config, limits
    cache.delete_pattern("*last*used*")  # the key's last-used write is due again, and will fail
    monkeypatch.setattr(api_keys, "_touch_quiet_until", {})
    monkeypatch.setattr(QuerySet, "update", _refuse)
    monkeypatch.setattr(QuerySet, "bulk_create", _refuse)
    response = api_client.post(URL, BODY, format="json")
    assert response.status_code == 200, response.content
    (segment,) = audit_spool_dir().glob("*.jsonl")
    (entry,) = [AuditEntry.from_line(line) for line in segment.read_bytes().splitlines(keepends=True)]
    assert entry.request_id == response.json()["request_id"] and entry.outcome == "success"


def test_a_cold_request_gets_a_json_503_with_retry_after(api_client, spool_here, monkeypatch):
    monkeypatch.setattr("guards.services.config._configs_load", _refuse)
    response = api_client.post(URL, BODY, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable" and response["Retry-After"] == "5"


@pytest.mark.parametrize(("path", "operation_id"), [("/api/v1/guards/services", "guards_services"),
                                                    ("/api/v1/guards/health", "guards_health"),
                                                    ("/api/v1/guards/health/tokenguard", "guards_service_health")])
def test_discovery_and_health_answer_a_documented_503_when_the_config_needs_the_database(
        api_client, monkeypatch, path, operation_id):
    monkeypatch.setattr("guards.services.config._configs_load", _refuse)
    response = api_client.get(path)
    assert response.status_code == 503 and response.json()["error"]["code"] == "database_unavailable"
    schema = api_client.get("/api/schema", HTTP_ACCEPT="application/json").json()
    documented = {op["operationId"]: op["responses"] for item in schema["paths"].values() for op in item.values()}
    assert "database_unavailable" in documented[operation_id]["503"]["description"]
