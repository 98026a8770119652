"""The shape every retention command shares: validated ``--days``, ``--dry-run``, ``--yes``.

Pruning is irreversible. The scheduled run (no ``--days``) keeps the configured period
and needs no confirmation; a shorter period than configured is refused unless ``--yes``
says it is meant, and ``--dry-run`` prints what would go without deleting anything.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from aiguardian.management.base import GatewayCommand


class RetentionCommand(GatewayCommand):
    #: what is pruned, for messages ("guard requests", "webhook events")
    noun = "rows"

    def default_days(self) -> int:
        raise NotImplementedError

    def prune(self, *, days: int, batch_size: int, dry_run: bool) -> str:
        """Delete (or count) and return the summary line's middle part."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"Keep this many days (at least 1; default: {self.default_days()}).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows deleted per statement (1-50000).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")
        parser.add_argument("--yes", action="store_true",
                            help="Confirm a --days shorter than the configured retention period.")

    def handle(self, *args: Any, days: int | None, batch_size: int, dry_run: bool, yes: bool,
               **options: Any) -> None:
        configured = self.default_days()
        keep = configured if days is None else days
        if keep < 1:
            raise CommandError(f"--days must be at least 1 (got {keep}); nothing was deleted")
        if not 1 <= batch_size <= 50_000:
            raise CommandError("--batch-size must be between 1 and 50000")
        if keep < configured and not (yes or dry_run):
            raise CommandError(f"--days {keep} is shorter than the configured {configured}: add --yes to delete, "
                               "or --dry-run to see how much would go; nothing was deleted")
        summary = self.prune(days=keep, batch_size=batch_size, dry_run=dry_run)
        verb = "would prune" if dry_run else "pruned"
        self.stdout.write(f"{verb} {summary} older than {keep} days")
