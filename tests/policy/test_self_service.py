"""A tenant's owners and admins fix false positives themselves: lists, modes and history, never another tenant's."""

from __future__ import annotations

import pytest

from guards.models import TenantGuardConfig
from policy.models import ConfigRevision, PolicyListEntry

PROCESS = "/api/v1/guards/process"


@pytest.fixture
def shout(test_guards, guard_config):
    return guard_config("shoutguard")


def test_an_admin_allowlists_a_fingerprint_and_the_change_is_versioned_as_api(admin_a, api_client, shout,
                                                                             tenant) -> None:
    body = {"service_type": "shoutguard", "payload": {"text": "HELLO THERE"}}
    fp = api_client.post(PROCESS, body, format="json").json()["data"]["findings"][0]["fingerprint"]
    response = admin_a.client.post("/api/v1/policy/lists", {"action": "allow", "kind": "fingerprint", "value": fp,
                                                            "guard": "shoutguard"}, format="json")
    assert response.status_code == 201, response.json()
    assert api_client.post(PROCESS, body, format="json").json()["data"]["decision"] == "allow"
    revision = ConfigRevision.objects.get(tenant=tenant, target="list_entry")
    assert (revision.via, revision.actor_id) == ("api", admin_a.user.pk)
    listed = admin_a.client.get("/api/v1/policy/lists").json()
    assert [e["value"] for e in listed] == [fp]


def test_a_bad_regex_is_a_400_naming_the_value(admin_a) -> None:
    response = admin_a.client.post("/api/v1/policy/lists", {"action": "block", "kind": "regex", "value": r"(a)\1"},
                                   format="json")
    assert response.status_code == 400 and "value" in response.json()["error"]["fields"]


def test_an_admin_switches_a_guard_to_monitor_and_reverts_it(admin_a, api_client, shout, tenant) -> None:
    response = admin_a.client.patch("/api/v1/policy/guards/shoutguard", {"mode": "monitor"}, format="json")
    assert response.status_code == 200 and response.json()["mode"] == "monitor"
    history = admin_a.client.get("/api/v1/policy/history").json()
    change = history[0]
    assert (change["action"], change["via"], change["before"]["mode"], change["after"]["mode"]) == (
        "update", "api", "enforce", "monitor")
    reverted = admin_a.client.post(f"/api/v1/policy/history/{change['version']}/revert")
    assert reverted.status_code == 200 and reverted.json()["reverts"] == change["version"]
    assert TenantGuardConfig.objects.get(tenant=tenant, guard="shoutguard").mode == "enforce"
    again = admin_a.client.post(f"/api/v1/policy/history/{change['version']}/revert")
    assert again.status_code == 409 and again.json()["error"]["code"] == "revert_not_possible"


def test_tenants_never_see_or_change_each_others_policy(admin_a, admin_b, shout, tenant, other_tenant) -> None:
    admin_a.client.post("/api/v1/policy/lists", {"action": "block", "kind": "phrase", "value": "zeus"}, format="json")
    entry = PolicyListEntry.objects.get()
    assert admin_b.client.get("/api/v1/policy/lists").json() == []
    assert admin_b.client.delete(f"/api/v1/policy/lists/{entry.pk}").status_code == 404
    assert admin_b.client.get("/api/v1/policy/history").json() == []
    version = ConfigRevision.objects.filter(tenant=tenant).first().version
    assert admin_b.client.post(f"/api/v1/policy/history/{version}/revert").status_code == 404
    assert PolicyListEntry.objects.filter(pk=entry.pk).exists()
    assert admin_a.client.delete(f"/api/v1/policy/lists/{entry.pk}").status_code == 204
    assert not PolicyListEntry.objects.exists()


def test_an_api_key_cannot_change_the_policy(api_client) -> None:
    response = api_client.post("/api/v1/policy/lists", {"action": "allow", "kind": "phrase", "value": "x"},
                               format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "api_key_not_allowed"
    assert "policy" in response.json()["error"]["message"]
