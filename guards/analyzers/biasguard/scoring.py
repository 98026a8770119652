"""Severity <-> score, and how findings add up to the guard's overall score."""

from __future__ import annotations

from collections.abc import Iterable

from guards.analyzers.base import Finding

# The score a finding of each severity carries before its context discount.
SEVERITY_SCORES = {"info": 0.1, "low": 0.3, "medium": 0.55, "high": 0.85, "critical": 0.95}


def severity_for(score: float) -> str:
    """The severity band a (possibly discounted) score falls in."""
    if score >= 0.9:
        return "critical"
    if score >= 0.7:
        return "high"
    if score >= 0.45:
        return "medium"
    if score >= 0.2:
        return "low"
    return "info"


def combine(scores: Iterable[float]) -> float:
    """Noisy-or of independent findings: many low ones add up, but never past 1.

    A single strong finding dominates, so one slur outweighs many borderline words.
    """
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - min(max(score, 0.0), 1.0)
    return 1.0 - remaining


def overall(findings: Iterable[Finding]) -> float:
    """The guard's score: noisy-or over findings, damped so low ones stay below block."""
    scores = sorted((f.score for f in findings), reverse=True)
    if not scores:
        return 0.0
    # Beyond the strongest finding, each further one counts half: ten gendered job
    # titles deserve a flag, not a block.
    return round(combine([scores[0], *(s * 0.5 for s in scores[1:])]), 4)
