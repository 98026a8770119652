"""Reads of a tenant's policy for the self-service API (always scoped to one tenant)."""

from __future__ import annotations

from django.db.models import QuerySet

from guards.models import TenantGuardConfig
from policy.models import ConfigRevision, PolicyListEntry


def list_entries(*, tenant_id: int) -> QuerySet[PolicyListEntry]:
    return PolicyListEntry.objects.filter(tenant_id=tenant_id).order_by("id")


def list_entry_get(*, tenant_id: int, entry_id: int) -> PolicyListEntry | None:
    return PolicyListEntry.objects.filter(tenant_id=tenant_id, pk=entry_id).first()


def guard_policies(*, tenant_id: int) -> QuerySet[TenantGuardConfig]:
    return TenantGuardConfig.objects.filter(tenant_id=tenant_id).order_by("guard")


def revisions(*, tenant_id: int, limit: int = 100) -> QuerySet[ConfigRevision]:
    return ConfigRevision.objects.filter(tenant_id=tenant_id).order_by("-version")[:limit]


def revision_get(*, tenant_id: int, version: int) -> ConfigRevision | None:
    return ConfigRevision.objects.filter(tenant_id=tenant_id, version=version).first()
