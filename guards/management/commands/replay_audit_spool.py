"""Store the audit spool segments no live gateway worker holds (a killed worker's, a stopped gateway's).

Gateway workers do this by themselves at start-up and every few seconds; the command is
for an operator on the same host or container, e.g. before retiring one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from aiguardian.management.base import GatewayCommand
from guards.services.audit import audit_spool_dir, audit_spool_replay
from guards.services.audit.store import DatabaseUnavailable


class Command(GatewayCommand):
    help = "Replay orphaned audit spool segments into GuardRequest and UsageRecord."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_spool_replay()
        except DatabaseUnavailable as exc:
            raise CommandError(f"database unavailable; the spool is kept: {exc}") from exc
        self.stdout.write(
            f"replayed {audit_spool_dir()}: {result.stored} stored ({result.units} units), "
            f"{result.duplicates} already stored, {result.dead} dead-lettered"
        )
