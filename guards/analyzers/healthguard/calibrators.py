"""healthguard's calibrated scores: a fitted map per finding type (``data/calibration.json``).

The detectors score their findings on a fixed, hand-set scale (a base per finding type
plus a little for size or strength). ``bench/train_healthguard_calibration.py`` fits,
on the tune split of the labelled healthguard data, a monotone map from that raw score
to the share of findings that were right, per finding type, and chooses the flag/block
thresholds on the same rows (block only where precision >= 0.98 there, flag where
>= 0.80). :func:`calibrate` applies the maps to a detector's findings; the raw score
stays in ``detail["raw_score"]`` and the map's name in ``detail["calibrator"]``.

Finding types without a map (too few labelled findings to fit one: unclosed brackets
and quotes, repeated sentences, and everything without a labelled set: control and
invisible characters, language, size) keep their fixed score and are decided by the
tenant's ``flag_threshold``/``block_threshold`` as before. A tenant may still move the
calibrated cuts: ``calibrated_flag_threshold``/``calibrated_block_threshold`` are
probabilities (0, the default, keeps each type's fitted cut).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from guards.analyzers.base import Finding, decide
from guards.analyzers.calibration import ShippedCalibrators

CALIBRATION_PATH = Path(__file__).parent / "data" / "calibration.json"
CALIBRATORS = ShippedCalibrators(CALIBRATION_PATH)
_ORDER = ("allow", "flag", "block")


def calibrate(findings: Iterable[Finding]) -> None:
    """Replace each finding's raw score by its type's calibrated probability, in place."""
    for f in findings:
        calibrator = CALIBRATORS.get(f.type)
        if calibrator is None or "calibrator" in f.detail:
            continue
        f.detail["raw_score"] = round(float(f.score), 4)
        f.detail["calibrator"] = f.type
        f.score = calibrator(f.score)


def decision_for(findings: Iterable[Finding], uncalibrated_score: float, *, flag_at: float, block_at: float,
                 calibrated_flag_at: float = 0.0, calibrated_block_at: float = 0.0) -> str:
    """The worst of: each calibrated finding by its type's cuts, the rest's combined score by the tenant's.

    ``calibrated_flag_at``/``calibrated_block_at`` (> 0) replace every type's fitted cut,
    so a tenant can be stricter or more lenient on the calibrated (probability) scale.
    """
    worst = decide(uncalibrated_score, flag_at=flag_at, block_at=block_at)
    for f in findings:
        name = f.detail.get("calibrator")
        calibrator = CALIBRATORS.get(name) if name else None
        if calibrator is None:
            continue
        cut_flag = calibrated_flag_at or calibrator.flag_at
        cut_block = calibrated_block_at or calibrator.block_at
        # The cuts travel with the finding: the policy step re-decides what is left after an
        # allowlist suppression, and must use this finding's cuts, not the tenant's raw ones.
        f.detail["flag_at"], f.detail["block_at"] = round(cut_flag, 4), round(cut_block, 4)
        decision = decide(f.score, flag_at=cut_flag, block_at=cut_block)
        if _ORDER.index(decision) > _ORDER.index(worst):
            worst = decision
    return worst
