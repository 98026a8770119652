"""Each guard's decision vocabulary on one severity scale: allow < flag < block."""

from __future__ import annotations

SEVERITY = {"allow": 0, "keep": 0, "pass": 0, "flag": 1, "trim": 1, "warn": 1, "review": 1,
            "block": 2, "reject": 2}
OVERALL = ("allow", "flag", "block")
UNKNOWN_SEVERITY = 1


def severity_of(decision: str) -> int:
    """The decision's level; a word no guard uses counts as ``flag`` (its meaning is unknown)."""
    return SEVERITY.get(decision.lower(), UNKNOWN_SEVERITY)


def raise_to_flag(decision: str) -> str:
    """``decision`` if it is at least ``flag``, else ``flag``."""
    return decision if decision and severity_of(decision) >= 1 else "flag"
