"""Per-tenant token budgets over calendar periods, through the context's BudgetStore.

The store is already scoped to the tenant (the gateway's Redis implementation prefixes
keys with the tenant); we only choose the counter's key, which names the period window
(``day:2026-11-22``), so a new window starts a new counter and the old one expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from guards.analyzers.base import BudgetStore

PERIODS = ("hour", "day", "week", "month")


def period_window(period: str, now: datetime) -> tuple[str, datetime]:
    """The window's label and when it resets (UTC)."""
    now = now.astimezone(UTC)
    if period == "hour":
        start = now.replace(minute=0, second=0, microsecond=0)
        return start.strftime("%Y-%m-%dT%H"), start + timedelta(hours=1)
    if period == "day":
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start.strftime("%Y-%m-%d"), start + timedelta(days=1)
    if period == "week":
        start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}", start + timedelta(days=7)
    if period == "month":
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        reset = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(
            month=start.month + 1)
        return start.strftime("%Y-%m"), reset
    raise ValueError(f"Unknown budget period {period!r}; choose from {PERIODS}")


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    limit: int
    used: int  # after this request, when it was charged
    charged: int
    period: str
    window: str
    resets_at: datetime
    exceeded: bool  # this request would go (or went) over the limit

    def to_dict(self) -> dict[str, Any]:
        return {
            "limit_tokens": self.limit,
            "used_tokens": self.used,
            "remaining_tokens": max(0, self.limit - self.used),
            "charged_tokens": self.charged,
            "period": self.period,
            "window": self.window,
            "resets_at": self.resets_at.isoformat(),
            "exceeded": self.exceeded,
        }


def budget_check_and_charge(
    store: BudgetStore, *, limit: int, period: str, tokens: int, enforce: bool, now: datetime,
) -> BudgetStatus:
    """Charge ``tokens`` to the window's counter unless that would pass an enforced ``limit``.

    Check-then-add can let two concurrent requests both pass near the limit; a budget is a
    spending guard, not a lock, and overshooting by one request is acceptable there.
    """
    window, resets_at = period_window(period, now)
    key = f"tokenguard:tokens:{period}:{window}"
    used = store.used(key)
    over = used + tokens > limit
    if over and enforce:
        return BudgetStatus(limit, used, 0, period, window, resets_at, True)
    ttl = max(1, int((resets_at - now.astimezone(UTC)).total_seconds()) + 1)
    total = store.consume(key, tokens, period_seconds=ttl)
    return BudgetStatus(limit, total, tokens, period, window, resets_at, total > limit)
