"""Feedback on verdicts: tenant-scoped, stored with fingerprints (never text); the admin's queue and precision."""

from __future__ import annotations

import pytest

from guards.models import GuardRequest
from policy.models import ConfigRevision, GuardFeedback, PolicyListEntry
from policy.services.feedback import feedback_precision
from tests.fixtures.accounts import issue_key

PROCESS, FEEDBACK = "/api/v1/guards/process", "/api/v1/guards/feedback"


@pytest.fixture
def shout(test_guards, guard_config, other_tenant):
    guard_config("shoutguard", tenant_obj=other_tenant)
    return guard_config("shoutguard")


def _run(client, text="HELLO THERE"):
    body = client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": text}}, format="json").json()
    return body["request_id"], body["data"]


def test_feedback_is_stored_with_the_calls_fingerprints_and_no_text(api_client, shout, tenant, api_key) -> None:
    request_id, data = _run(api_client)
    response = api_client.post(FEEDBACK, {"request_id": request_id, "label": "false_positive",
                                          "note": "our product name"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"request_id": request_id, "label": "false_positive", "guards": ["shoutguard"],
                               "fingerprints": 1}
    feedback = GuardFeedback.objects.get()
    assert (feedback.tenant_id, feedback.guard, feedback.decision, feedback.key_prefix) == (
        tenant.pk, "shoutguard", "block", api_key.prefix)
    assert feedback.fingerprints[0]["fingerprint"] == data["findings"][0]["fingerprint"]
    assert "HELLO" not in str(feedback.fingerprints) and GuardRequest.objects.get().raw_text == ""


def test_a_later_label_replaces_the_earlier_one(api_client, shout) -> None:
    request_id, _ = _run(api_client)
    api_client.post(FEEDBACK, {"request_id": request_id, "label": "false_positive"}, format="json")
    api_client.post(FEEDBACK, {"request_id": request_id, "label": "correct"}, format="json")
    assert list(GuardFeedback.objects.values_list("label", flat=True)) == ["correct"]


def test_feedback_on_another_tenants_request_is_404(api_client, shout, other_tenant, client) -> None:
    other = issue_key(other_tenant)
    body = client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": "HELLO"}},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other.raw}").json()
    response = api_client.post(FEEDBACK, {"request_id": body["request_id"], "label": "false_positive"}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "request_not_found"
    unknown = api_client.post(FEEDBACK, {"request_id": "no-such-request", "label": "correct"}, format="json")
    assert unknown.status_code == 404
    assert not GuardFeedback.objects.exists()


@pytest.mark.parametrize("body", [
    {"request_id": "x", "label": "wrong"},
    {"label": "correct"},
    {"request_id": 5, "label": "correct"},
    {"request_id": "x", "label": "correct", "note": "n" * 2001},
    {"request_id": "x", "label": "correct", "extra": 1},
])
def test_bad_feedback_is_a_400(api_client, body) -> None:
    response = api_client.post(FEEDBACK, body, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"


def test_feedback_needs_an_api_key(client) -> None:
    assert client.post(FEEDBACK, {"request_id": "x", "label": "correct"}, content_type="application/json"
                       ).status_code == 401


def test_the_admin_allowlists_a_false_positives_fingerprint_for_that_tenant(api_client, shout, tenant, admin_web,
                                                                           operator) -> None:
    request_id, _ = _run(api_client)
    api_client.post(FEEDBACK, {"request_id": request_id, "label": "false_positive"}, format="json")
    feedback = GuardFeedback.objects.get()
    response = admin_web.post("/admin/policy/guardfeedback/", {"action": "allowlist_fingerprints",
                                                               "_selected_action": [feedback.pk]})
    assert response.status_code == 302
    entry = PolicyListEntry.objects.get()
    assert (entry.tenant_id, entry.guard, entry.action, entry.kind) == (tenant.pk, "shoutguard", "allow",
                                                                        "fingerprint")
    revision = ConfigRevision.objects.get(target="list_entry")
    assert (revision.via, revision.actor_id) == ("admin", operator.pk)
    feedback.refresh_from_db()
    assert feedback.status == "allowlisted"
    _, data = _run(api_client)
    assert data["decision"] == "allow" and data["policy"]["config_version"] == revision.version


def test_precision_per_guard_and_tenant_comes_from_feedback(api_client, shout, tenant, admin_web) -> None:
    labels = ["correct", "correct", "false_positive", "false_negative"]
    texts = ["HELLO THERE", "HELLO THERE", "HELLO THERE", "quiet words"]
    for text, label in zip(texts, labels, strict=True):
        request_id, _ = _run(api_client, text)
        api_client.post(FEEDBACK, {"request_id": request_id, "label": label}, format="json")
    (row,) = feedback_precision(tenant_id=tenant.pk)
    assert (row["guard"], row["true_positive"], row["false_positive"], row["false_negative"]) == (
        "shoutguard", 2, 1, 1)
    assert row["precision"] == 0.667
    page = admin_web.get("/admin/policy/guardfeedback/")
    assert page.status_code == 200 and b"0.667" in page.content
