from __future__ import annotations

from rest_framework.test import APIClient

from tests.fixtures.accounts import issue_key


def _client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.raw}")
    return client


def test_a_session_remembered_by_contextguard_can_be_read_and_forgotten(api_client) -> None:
    response = api_client.post("/api/v1/guards/process", {
        "service_type": "contextguard", "session_id": "chat-1",
        "payload": {"text": "Let us plan the quarterly budget review for the finance team."}}, format="json")
    assert response.status_code == 200, response.json()
    session = api_client.get("/api/v1/guards/sessions/chat-1")
    assert session.status_code == 200 and session.json()["session_id"] == "chat-1"
    assert api_client.delete("/api/v1/guards/sessions/chat-1").status_code == 204
    assert api_client.get("/api/v1/guards/sessions/chat-1").json()["error"]["code"] == "session_not_found"


def test_another_tenant_cannot_see_the_session(api_client, other_tenant) -> None:
    api_client.post("/api/v1/guards/process", {"service_type": "contextguard", "session_id": "chat-2",
                                               "payload": {"text": "Private planning notes."}}, format="json")
    other = _client(issue_key(other_tenant))
    assert other.get("/api/v1/guards/sessions/chat-2").status_code == 404
    assert other.delete("/api/v1/guards/sessions/chat-2").status_code == 404
    assert api_client.get("/api/v1/guards/sessions/chat-2").status_code == 200


def test_a_key_not_scoped_for_contextguard_cannot_touch_sessions(tenant) -> None:
    scoped = _client(issue_key(tenant, name="tokens only", scopes=["tokenguard"]))
    response = scoped.get("/api/v1/guards/sessions/chat-3")
    assert response.status_code == 403 and response.json()["error"]["code"] == "guard_not_in_key_scope"
