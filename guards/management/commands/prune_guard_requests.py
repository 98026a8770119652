"""Delete guard audit rows older than the retention period (``GUARD_AUDIT_RETENTION_DAYS``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from guards.services.audit import audit_prune


class Command(BaseCommand):
    help = "Delete GuardRequest rows older than the retention period, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"Keep this many days (default: {settings.GUARD_AUDIT_RETENTION_DAYS}).")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, days: int | None, batch_size: int, **options: Any) -> None:
        deleted = audit_prune(older_than_days=days, batch_size=batch_size)
        kept = settings.GUARD_AUDIT_RETENTION_DAYS if days is None else days
        self.stdout.write(f"pruned {deleted} guard requests older than {kept} days")
