"""Delete guard audit rows older than the retention period (``GUARD_AUDIT_RETENTION_DAYS``)."""

from __future__ import annotations

from django.conf import settings

from aiguardian.management.retention import RetentionCommand
from guards.services.audit import audit_prune


class Command(RetentionCommand):
    help = "Delete GuardRequest rows older than the retention period, in batches."

    def default_days(self) -> int:
        return settings.GUARD_AUDIT_RETENTION_DAYS

    def prune(self, *, days: int, batch_size: int, dry_run: bool) -> str:
        return f"{audit_prune(older_than_days=days, batch_size=batch_size, dry_run=dry_run)} guard requests"
