"""bench/train_trustguard_grounding.py: trustguard's flag threshold never lands on outputs scored as likely faithful."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from calibration import choose_thresholds
from train_trustguard_grounding import FLAG_FLOOR, flag_threshold

# 30 outputs the calibrator scores 0.95, every one unfaithful, and 10 it scores 0.30, three unfaithful:
# over all 40 the flagged rows are 82.5 % unfaithful, so the shared rule alone cuts at 0.30.
CALIBRATED = [0.95] * 30 + [0.30] * 10
LABELS = [1] * 30 + [1, 1, 1] + [0] * 7


def test_the_shared_rule_alone_would_flag_outputs_scored_as_likely_faithful():
    assert choose_thresholds(CALIBRATED, LABELS).flag_at == pytest.approx(0.30)


def test_it_flags_only_outputs_scored_at_or_above_the_floor():
    chosen = flag_threshold(CALIBRATED, LABELS)
    assert chosen.flag_at == pytest.approx(0.95)
    assert chosen.flag_at >= FLAG_FLOOR
    assert chosen.flag_precision == pytest.approx(1.0)
    assert chosen.flag_support == 30


def test_it_keeps_the_shared_rules_cut_when_that_is_already_above_the_floor():
    calibrated = [0.9] * 25 + [0.7] * 10 + [0.2] * 10
    labels = [1] * 25 + [1] * 7 + [0] * 3 + [0] * 10
    assert flag_threshold(calibrated, labels).flag_at == choose_thresholds(calibrated, labels).flag_at == 0.7


def test_it_never_flags_when_no_output_reaches_the_floor():
    chosen = flag_threshold([0.2] * 30, [1] * 30)
    assert chosen.flag_at > 1.0
    assert chosen.flag_support == 0
