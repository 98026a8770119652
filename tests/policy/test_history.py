"""Config history: every change is a numbered revision (who, when, how, before/after), comparable and revertable."""

from __future__ import annotations

import pytest

from guards.models import TenantGuardConfig
from guards.services.config import guard_config_save, guard_services_register
from policy.models import ConfigRevision, PolicyListEntry
from policy.services.lists import list_entry_create
from policy.services.revert import RevertError, revision_revert

PROCESS = "/api/v1/guards/process"


def _data(client, text="HELLO THERE"):
    return client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": text}}, format="json").json()["data"]


@pytest.fixture
def shout(test_guards, guard_config):
    return guard_config("shoutguard")


def test_a_config_change_is_recorded_and_the_response_names_the_version_in_force(api_client, shout, tenant,
                                                                                  operator) -> None:
    shout.mode = "monitor"
    guard_config_save(config=shout, actor=operator, via="admin")
    revision = ConfigRevision.objects.filter(tenant=tenant).first()  # newest first
    assert (revision.target, revision.action, revision.guard, revision.via) == ("guard_config", "update",
                                                                                "shoutguard", "admin")
    assert (revision.actor_id, revision.actor_label) == (operator.pk, "op@example.com")
    assert revision.before["mode"] == "enforce" and revision.after["mode"] == "monitor"
    assert _data(api_client)["policy"]["config_version"] == revision.version


def test_versions_count_each_tenants_changes_from_one(test_guards, guard_config, tenant, other_tenant) -> None:
    guard_config("shoutguard")
    guard_config("shoutguard", settings={"flag_threshold": 0.7})
    guard_config("shoutguard", tenant_obj=other_tenant)
    assert list(ConfigRevision.objects.filter(tenant=tenant).values_list("version", "action")) == [
        (2, "update"), (1, "create")]
    assert list(ConfigRevision.objects.filter(tenant=other_tenant).values_list("version", flat=True)) == [1]


def test_saving_without_a_change_records_nothing(shout) -> None:
    before = ConfigRevision.objects.count()
    guard_config_save(config=TenantGuardConfig.objects.get(pk=shout.pk))
    assert ConfigRevision.objects.count() == before


def test_a_revert_in_the_admin_restores_the_config_and_is_itself_recorded(api_client, shout, tenant, admin_web,
                                                                          guard_config) -> None:
    guard_config("shoutguard", mode="monitor")
    assert _data(api_client)["decision"] == "allow"
    change = ConfigRevision.objects.filter(tenant=tenant).first()
    response = admin_web.post("/admin/policy/configrevision/", {"action": "revert", "_selected_action": [change.pk]})
    assert response.status_code == 302
    undo = ConfigRevision.objects.filter(tenant=tenant).first()
    assert (undo.version, undo.reverts, undo.via) == (change.version + 1, change.version, "admin")
    assert undo.before["mode"] == "monitor" and undo.after["mode"] == "enforce"
    data = _data(api_client)
    assert data["decision"] == "block" and data["policy"]["config_version"] == undo.version


def test_the_admin_compares_a_change_with_the_state_before_it(shout, tenant, admin_web, guard_config) -> None:
    guard_config("shoutguard", settings={"flag_threshold": 0.7})
    change = ConfigRevision.objects.filter(tenant=tenant).first()
    page = admin_web.get(f"/admin/policy/configrevision/{change.pk}/change/")
    assert page.status_code == 200
    assert b"<th>settings</th>" in page.content and b"0.7" in page.content
    guard_config("shoutguard", settings={"flag_threshold": 0.6})
    page = admin_web.get(f"/admin/policy/configrevision/{change.pk}/change/")
    assert b"0.6" in page.content  # the state now, next to the change's before and after
    listing = admin_web.get("/admin/policy/configrevision/")
    assert listing.status_code == 200 and b"settings" in listing.content


def test_list_changes_are_versioned_and_an_added_entry_can_be_reverted(api_client, shout, tenant) -> None:
    fp = _data(api_client)["findings"][0]["fingerprint"]
    entry = list_entry_create(tenant_id=tenant.pk, action="allow", kind="fingerprint", value=fp, actor="key:abc",
                              via="api")
    added = ConfigRevision.objects.filter(tenant=tenant).first()
    assert (added.target, added.action, added.object_id, added.via, added.actor_label) == (
        "list_entry", "create", entry.pk, "api", "key:abc")
    assert _data(api_client)["decision"] == "allow"
    undo = revision_revert(revision=added)
    assert not PolicyListEntry.objects.exists() and undo.reverts == added.version
    assert _data(api_client)["decision"] == "block"
    # Reverting the removal puts the entry back.
    revision_revert(revision=undo)
    assert PolicyListEntry.objects.get().value == fp
    with pytest.raises(RevertError):
        revision_revert(revision=undo)  # already as before


def test_reverting_a_configs_creation_deletes_it(test_guards, guard_config, tenant) -> None:
    guard_config("shoutguard")
    created = ConfigRevision.objects.get(tenant=tenant, action="create")
    revision_revert(revision=created)
    assert not TenantGuardConfig.objects.filter(tenant=tenant, guard="shoutguard").exists()
    assert ConfigRevision.objects.filter(tenant=tenant).first().action == "delete"


def test_routing_every_tenant_to_the_guard_services_is_recorded_per_tenant(tenant, other_tenant) -> None:
    guard_services_register(url_template="http://{name}:{port}", timeout=5.0, route_tenants=True)
    revisions = ConfigRevision.objects.filter(guard="tokenguard", action="update")
    assert set(revisions.values_list("tenant_id", flat=True)) == {tenant.pk, other_tenant.pk}
    assert all(r.before["backend_id"] is None and r.after["backend_id"] for r in revisions)


def test_a_revert_to_settings_the_schema_no_longer_accepts_is_refused(shout, tenant) -> None:
    stale = ConfigRevision.objects.create(
        tenant=tenant, version=99, target="guard_config", action="update", guard="shoutguard",
        before={"guard": "shoutguard", "settings": {"flag_threshold": 5}}, after={"guard": "shoutguard"})
    with pytest.raises(RevertError, match="no longer valid"):
        revision_revert(revision=stale)
    assert TenantGuardConfig.objects.get(pk=shout.pk).settings == {}
