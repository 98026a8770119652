"""Revert one revision: put the object it changed back as it was before (itself a new revision)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guards.analyzers.schema import SettingsError
from guards.models import GuardBackend, TenantGuardConfig
from guards.services.config import guard_config_delete, guard_config_save
from policy.models import ConfigRevision, PolicyListEntry
from policy.services.history import CONFIG_FIELDS
from policy.services.lists import list_entry_create, list_entry_delete

Target, Action, Via = ConfigRevision.Target, ConfigRevision.Action, ConfigRevision.Via


class RevertError(Exception):
    """The revision cannot be reverted (the message says why, for the operator)."""


def _revert_config(revision: ConfigRevision, actor: Any, via: str) -> None:
    config = TenantGuardConfig.objects.filter(tenant_id=revision.tenant_id, guard=revision.guard).first()
    if revision.action == Action.CREATE:
        if config is None:
            raise RevertError("The config this change created no longer exists.")
        guard_config_delete(config=config, actor=actor, via=via, reverts=revision.version)
        return
    before = revision.before or {}
    backend_id = before.get("backend_id")
    if backend_id is not None and not GuardBackend.objects.filter(pk=backend_id).exists():
        raise RevertError("The backend the config used before has been deleted.")
    config = config or TenantGuardConfig(tenant_id=revision.tenant_id, guard=revision.guard)
    for name in CONFIG_FIELDS:
        if name in before:
            setattr(config, name, before[name])
    try:
        guard_config_save(config=config, actor=actor, via=via, reverts=revision.version)
    except SettingsError as exc:  # the guard's schema changed since: those settings no longer validate
        raise RevertError(f"The settings before this change are no longer valid: {exc.errors}.") from None


def _revert_entry(revision: ConfigRevision, actor: Any, via: str) -> None:
    if revision.action == Action.CREATE:
        entry = PolicyListEntry.objects.filter(pk=revision.object_id, tenant_id=revision.tenant_id).first()
        if entry is None:
            raise RevertError("The list entry this change added has already been removed.")
        list_entry_delete(entry=entry, actor=actor, via=via, reverts=revision.version)
        return
    before = revision.before or {}
    fields = {name: before.get(name, "") for name in ("guard", "action", "kind", "value")}
    if PolicyListEntry.objects.filter(tenant_id=revision.tenant_id, **fields).exists():
        raise RevertError("The entry this change removed is on the list again.")
    list_entry_create(tenant_id=revision.tenant_id, guard=before.get("guard", ""), action=before.get("action", ""),
                      kind=before.get("kind", ""), value=before.get("value", ""), note=before.get("note", ""),
                      actor=actor, via=via, reverts=revision.version)


def revision_revert(*, revision: ConfigRevision, actor: Any = None, via: str = Via.ADMIN) -> ConfigRevision:
    """Undo ``revision``; returns the revision that records the undo. Raises RevertError / ValidationError."""
    with transaction.atomic():
        latest = ConfigRevision.objects.filter(tenant_id=revision.tenant_id).order_by("-version").first()
        if revision.target == Target.GUARD_CONFIG:
            _revert_config(revision, actor, via)
        else:
            _revert_entry(revision, actor, via)
        new = ConfigRevision.objects.filter(tenant_id=revision.tenant_id).order_by("-version").first()
        if new is None or (latest is not None and new.pk == latest.pk):
            raise RevertError("Nothing to revert: the object is already as it was before this change.")
        return new
