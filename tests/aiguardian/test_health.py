"""Liveness and readiness probes."""

import pytest


def test_live_answers_without_touching_dependencies(client):
    # No django_db mark: pytest-django raises if the view touches the database.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive", "service": "codeguardians-gateway"}


@pytest.mark.django_db
def test_ready_reports_database_and_cache(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"


def test_request_id_is_echoed_or_created(client):
    given = client.get("/health/live", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    minted = client.get("/health/live", HTTP_X_REQUEST_ID="bad id with spaces\n")
    assert minted["X-Request-ID"] != "bad id with spaces\n"
    assert len(minted["X-Request-ID"]) == 36
