"""Severity <-> score, the guard's overall score, and its decision.

Calibrated findings (stereotypes, generalisations, offensive language; they carry
``detail["calibrator"]``) are probabilities, decided by the thresholds chosen for
their calibrator on the tuning data: block only where precision was >= 0.98 there,
flag where >= 0.80. Lexicon terms, slurs and default pronouns have fixed scores by
severity and are decided by the tenant's ``flag_threshold``/``block_threshold``;
style suggestions (a role noun such as "chairman", age-coded job-ad wording, a
default "he") are never more than a flag whatever the thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from guards.analyzers.base import Finding, decide
from guards.analyzers.calibration import Calibrator

# The score a finding of each severity carries before its context discount. "low" stays
# under the default flag threshold (0.3): a style suggestion is reported, not flagged.
SEVERITY_SCORES = {"info": 0.1, "low": 0.2, "medium": 0.55, "high": 0.85, "critical": 0.95}
_ORDER = ("allow", "flag", "block")


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


def overall(findings: Iterable[Finding]) -> float:
    """The guard's score: the strongest finding's.

    Calibrated scores are probabilities of that finding being right; adding them up
    (a noisy-or) would claim more certainty than any one of them has.
    """
    return round(max((f.score for f in findings), default=0.0), 4)


def decision_for(findings: Iterable[Finding], *, flag_at: float, block_at: float,
                 calibrator: Callable[[str], Calibrator]) -> str:
    """The worst decision over ``findings`` (see the module docstring)."""
    worst = "allow"
    for finding in findings:
        name = finding.detail.get("calibrator")
        if name:
            decision = calibrator(name).decide(finding.score)
        else:
            decision = decide(finding.score, flag_at=flag_at, block_at=block_at)
            if decision == "block" and finding.detail.get("style"):
                decision = "flag"
        if _ORDER.index(decision) > _ORDER.index(worst):
            worst = decision
    return worst
