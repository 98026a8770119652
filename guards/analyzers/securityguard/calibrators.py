"""The securityguard's shipped score calibrators (``data/calibration.json``), loaded once.

Written by the training and bench scripts with ``bench/calibration.py``; one entry per
calibrated finding type (``injection``, ``risky_url``), each with its knots and the
flag/block thresholds chosen on the tuning split.
"""

from __future__ import annotations

import threading
from pathlib import Path

from guards.analyzers.base import Finding, decide
from guards.analyzers.calibration import Calibrator, load_calibrators

CALIBRATION_PATH = Path(__file__).parent / "data" / "calibration.json"

_lock = threading.Lock()
_calibrators: dict[str, Calibrator] | None = None


class CalibrationMissingError(RuntimeError):
    """The shipped calibration file lacks an entry a detector needs."""


def get_calibrator(name: str) -> Calibrator:
    """The calibrator for finding type ``name`` (thread-safe, read once per process)."""
    global _calibrators
    if _calibrators is None:
        with _lock:
            if _calibrators is None:
                _calibrators = load_calibrators(CALIBRATION_PATH) if CALIBRATION_PATH.exists() else {}
    try:
        return _calibrators[name]
    except KeyError:
        raise CalibrationMissingError(
            f"No '{name}' calibrator in {CALIBRATION_PATH} (run bench/train_securityguard_injection.py)"
        ) from None


def reload() -> None:
    """Forget the loaded calibrators (the training script rewrites the file)."""
    global _calibrators
    with _lock:
        _calibrators = None


_ORDER = ("allow", "flag", "block")
_AT_MOST_FLAG = frozenset({"info", "low"})


def decision_for(findings: list[Finding], *, flag_at: float, block_at: float) -> str:
    """The worst decision over ``findings``.

    A calibrated finding (``detail["calibrator"]``) is decided by the thresholds chosen
    for its type on the tuning data (block only where precision was >= 0.98 there);
    every other finding by the tenant's ``flag_at``/``block_at`` on its score.

    A finding of low or info severity is at most a flag, however sure the detector is of
    what it found: a Stripe test-mode key or a public project key is surely that, and
    neither is a reason to stop the request.
    """
    worst = "allow"
    for f in findings:
        name = f.detail.get("calibrator")
        decision = get_calibrator(name).decide(f.score) if name else decide(f.score, flag_at=flag_at, block_at=block_at)
        if decision == "block" and f.severity in _AT_MOST_FLAG:
            decision = "flag"
        if _ORDER.index(decision) > _ORDER.index(worst):
            worst = decision
            if worst == "block":
                break
    return worst
