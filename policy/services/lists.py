"""A tenant's allow/block lists: validated writes, each a config revision, each invalidating the cache."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guards.analyzers.registry import GUARDS
from guards.services.config import config_cache_invalidate
from policy.models import MAX_VALUE_LENGTH, ConfigRevision, PolicyListEntry
from policy.services.history import entry_snapshot, revision_record
from policy.services.matching import PatternError, regex_validate

_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")
Kind, ListAction = PolicyListEntry.Kind, PolicyListEntry.Action


def list_value_clean(*, kind: str, value: Any) -> str:
    """The value as stored, or ``ValidationError({"value": ...})``."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({"value": "A non-empty string."})
    if kind == Kind.FINGERPRINT:
        value = value.strip().lower()
        if not _FINGERPRINT.match(value):
            raise ValidationError({"value": "A fingerprint is the 32 hex characters a finding carries."})
        return value
    if kind == Kind.REGEX:
        try:
            regex_validate(value)
        except PatternError as exc:
            raise ValidationError({"value": str(exc)}) from None
        return value
    if kind == Kind.PHRASE:
        value = value.strip()
        if len(value) > MAX_VALUE_LENGTH:
            raise ValidationError({"value": f"At most {MAX_VALUE_LENGTH} characters."})
        return value
    raise ValidationError({"kind": f"One of: {', '.join(Kind.values)}."})


def list_entry_create(*, tenant_id: int, action: str, kind: str, value: Any, guard: str = "", note: str = "",
                      actor: Any = None, via: str = ConfigRevision.Via.SYSTEM,
                      reverts: int | None = None) -> PolicyListEntry:
    """Add an entry (validated, within ``POLICY_MAX_LIST_ENTRIES``); raises ``ValidationError``."""
    if action not in ListAction.values:
        raise ValidationError({"action": f"One of: {', '.join(ListAction.values)}."})
    if guard and guard not in GUARDS:
        raise ValidationError({"guard": "Not a guard name (leave empty for every guard)."})
    value = list_value_clean(kind=kind, value=value)
    user = actor if actor is not None and not isinstance(actor, str) and getattr(actor, "pk", None) else None
    with transaction.atomic():
        if PolicyListEntry.objects.filter(tenant_id=tenant_id).count() >= settings.POLICY_MAX_LIST_ENTRIES:
            raise ValidationError({"value": f"At most {settings.POLICY_MAX_LIST_ENTRIES} list entries per tenant."})
        try:
            with transaction.atomic():
                entry = PolicyListEntry.objects.create(tenant_id=tenant_id, guard=guard, action=action, kind=kind,
                                                       value=value, note=note[:200], created_by=user)
        except IntegrityError:
            raise ValidationError({"value": "This entry is already on the list."}) from None
        revision_record(tenant_id=tenant_id, target=ConfigRevision.Target.LIST_ENTRY,
                        action=ConfigRevision.Action.CREATE, object_id=entry.pk, guard=guard, before=None,
                        after=entry_snapshot(entry), actor=actor, via=via, reverts=reverts)
        config_cache_invalidate(tenant_ids=[tenant_id])
    return entry


def list_entry_delete(*, entry: PolicyListEntry, actor: Any = None, via: str = ConfigRevision.Via.SYSTEM,
                      reverts: int | None = None) -> None:
    with transaction.atomic():
        before, pk = entry_snapshot(entry), entry.pk
        entry.delete()
        revision_record(tenant_id=entry.tenant_id, target=ConfigRevision.Target.LIST_ENTRY,
                        action=ConfigRevision.Action.DELETE, object_id=pk, guard=entry.guard, before=before,
                        after=None, actor=actor, via=via, reverts=reverts)
        config_cache_invalidate(tenant_ids=[entry.tenant_id])
