"""Config history: every change of a tenant's guard configs and lists becomes a numbered revision.

A revision keeps who (user, or the API key's prefix), how (admin, API, system), when,
and the object's state before and after, as JSON. ``version`` counts a tenant's changes
from 1 under a lock on the tenant row, so the number a response carries
(``config_version``) names exactly one state of that tenant's policy.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.models import Tenant
from guards.models import TenantGuardConfig
from policy.models import ConfigRevision, PolicyListEntry

Target, Action, Via = ConfigRevision.Target, ConfigRevision.Action, ConfigRevision.Via
CONFIG_FIELDS = ("enabled", "mode", "failure_policy", "backend_id", "settings", "fallback_allowed", "store_raw_text")


def config_snapshot(config: TenantGuardConfig) -> dict[str, Any]:
    """The state a revision keeps of a guard config (what the resolver reads)."""
    return {"guard": config.guard, **{name: getattr(config, name) for name in CONFIG_FIELDS}}


def entry_snapshot(entry: PolicyListEntry) -> dict[str, Any]:
    return {"guard": entry.guard, "action": entry.action, "kind": entry.kind, "value": entry.value,
            "note": entry.note}


def config_stored_snapshot(config: TenantGuardConfig) -> dict[str, Any] | None:
    """The stored state of ``config`` before it is saved (None for a new one), read under a row lock."""
    if config.pk is None:
        return None
    stored = TenantGuardConfig.objects.select_for_update().filter(pk=config.pk).first()
    return config_snapshot(stored) if stored is not None else None


def _actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor[:150]
    return str(getattr(actor, "get_username", lambda: actor)())[:150]


def revision_record(
    *, tenant_id: int, target: str, action: str, object_id: int | None, guard: str,
    before: dict[str, Any] | None, after: dict[str, Any] | None, actor: Any = None, via: str = Via.SYSTEM,
    reverts: int | None = None,
) -> ConfigRevision | None:
    """Record one change inside the caller's transaction; None when nothing changed.

    ``actor`` is a user (admin) or a label such as ``"key:<prefix>"`` (API).
    """
    if before == after:
        return None
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant_id).values_list("pk", flat=True).first()
        latest = ConfigRevision.objects.filter(tenant_id=tenant_id).aggregate(v=Max("version"))["v"] or 0
        user = actor if actor is not None and not isinstance(actor, str) and getattr(actor, "pk", None) else None
        return ConfigRevision.objects.create(
            tenant_id=tenant_id, version=latest + 1, target=target, action=action, object_id=object_id,
            guard=guard, before=before, after=after, via=via, actor=user, actor_label=_actor_label(actor),
            reverts=reverts,
        )


def config_revision_record(*, config: TenantGuardConfig, before: dict[str, Any] | None, deleted: bool = False,
                           actor: Any = None, via: str = Via.SYSTEM, reverts: int | None = None) -> None:
    """Record a guard config's save (or deletion) against its stored state ``before``."""
    after = None if deleted else config_snapshot(config)
    action = Action.DELETE if deleted else (Action.CREATE if before is None else Action.UPDATE)
    revision_record(tenant_id=config.tenant_id, target=Target.GUARD_CONFIG, action=action, object_id=config.pk,
                    guard=config.guard, before=before, after=after, actor=actor, via=via, reverts=reverts)


def revision_diff(revision: ConfigRevision) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field the change touched."""
    before, after = revision.before or {}, revision.after or {}
    return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)]


def revision_now(revision: ConfigRevision) -> dict[str, Any] | None:
    """The object's state now (None: it does not exist), to compare with the revision's before/after."""
    if revision.target == Target.GUARD_CONFIG:
        config = TenantGuardConfig.objects.filter(tenant_id=revision.tenant_id, guard=revision.guard).first()
        return config_snapshot(config) if config is not None else None
    entry = PolicyListEntry.objects.filter(tenant_id=revision.tenant_id, pk=revision.object_id).first()
    return entry_snapshot(entry) if entry is not None else None
