"""Retention: delete old rows in small batches so no delete holds long locks."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone


def cutoff(days: int):  # type: ignore[no-untyped-def]
    """The moment before which rows are past a ``days``-long retention period."""
    return timezone.now() - timedelta(days=days)


def delete_in_batches(queryset: QuerySet, *, batch_size: int = 5000) -> int:
    """Delete every row of ``queryset``, ``batch_size`` primary keys at a time; return the count."""
    model = queryset.model
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += model._default_manager.filter(pk__in=ids).delete()[0]


def prune(queryset: QuerySet, *, batch_size: int = 5000, dry_run: bool = False) -> int:
    """Delete ``queryset`` in batches, or with ``dry_run`` only count what would go."""
    return queryset.count() if dry_run else delete_in_batches(queryset, batch_size=batch_size)
