"""Move metered usage from Redis into PostgreSQL (run every few minutes)."""

from aiguardian.management.base import GatewayCommand
from billing.services import usage_flush


class Command(GatewayCommand):
    help = "Flush pending usage counters from Redis into UsageRecord rows."

    def handle(self, *args, **options) -> None:
        moved = usage_flush()
        self.stdout.write(f"flushed {moved} usage units")
