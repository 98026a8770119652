"""biasguard's shipped score calibrators (``data/calibration.json``), read once per process.

Written by the training scripts with ``bench/calibration.py``: one entry per calibrated
detector (``stereotype``, ``stereotype_lexical``, ``offensive``), each with its knots
and the flag/block thresholds chosen on the tuning split.
"""

from __future__ import annotations

import threading
from pathlib import Path

from guards.analyzers.calibration import Calibrator, load_calibrators

CALIBRATION_PATH = Path(__file__).parent / "data" / "calibration.json"

_lock = threading.Lock()
_calibrators: dict[str, Calibrator] | None = None


def get_calibrator(name: str) -> Calibrator:
    """The calibrator of detector ``name``; a missing entry is a packaging error, raised loudly."""
    global _calibrators
    with _lock:
        if _calibrators is None:
            _calibrators = load_calibrators(CALIBRATION_PATH)
    try:
        return _calibrators[name]
    except KeyError:
        raise KeyError(f"no {name!r} calibrator in {CALIBRATION_PATH}; run its bench/train_biasguard_*.py") from None


def reload() -> None:
    """Forget the loaded calibrators (a training script has rewritten the file)."""
    global _calibrators
    with _lock:
        _calibrators = None
