"""contextguard's calibrated drift score: one fitted map per way of scoring (``data/calibration.json``).

The drift model's own output is a logistic score whose 0.5 is the F1-best point on
TIAGE train: the topic boundary the session memory and the window plan use. It is not a
probability (a dev turn scored 0.5-0.6 started a new topic 38 % of the time).
``bench/train_contextguard_calibration.py`` fits, on TIAGE train only, a monotone map
from that score to the share of turns that did start a new topic, separately for each
view (embedding or lexical model; a reply to the other role or a follow-up after a turn
of the same role, as clients that store only user turns send), and the flag cut on the
calibrated scale where train precision reaches 0.80 (for ``embedding_same_role``: the top
share of train turns whose flags stayed >= 0.80 right on held-out train dialogues).
contextguard never blocks.
"""

from __future__ import annotations

from pathlib import Path

from guards.analyzers.calibration import Calibrator, ShippedCalibrators

CALIBRATION_PATH = Path(__file__).parent / "data" / "calibration.json"
CALIBRATORS = ShippedCalibrators(CALIBRATION_PATH)
# The drift model's own decision point (F1-best on train, folded into its intercept): where
# a new topic starts in memory. Flagging the message asks for more than that.
BOUNDARY = 0.5


class CalibrationMissingError(RuntimeError):
    """The shipped calibration file lacks a view the analyzer scores with."""


def view_name(method: str, *, same_role: bool) -> str:
    """The calibrator for a score from ``method`` (``embedding``/``lexical``), after a turn of the same role or not."""
    return f"{method}_same_role" if same_role else method


def calibrator_for(method: str, *, same_role: bool) -> tuple[str, Calibrator]:
    name = view_name(method, same_role=same_role)
    calibrator = CALIBRATORS.get(name)
    if calibrator is None:
        raise CalibrationMissingError(
            f"No '{name}' calibrator in {CALIBRATION_PATH} (run bench/train_contextguard_calibration.py)")
    return name, calibrator
