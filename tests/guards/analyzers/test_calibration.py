"""The runtime calibration map every guard applies to its raw scores."""

from __future__ import annotations

import json

import pytest

from guards.analyzers.calibration import Calibrator, load_calibrators


def test_it_interpolates_between_knots_and_clips_outside_them():
    cal = Calibrator((0.0, 1.0, 2.0), (0.1, 0.5, 0.9))
    assert cal(0.5) == pytest.approx(0.3)
    assert cal(-5.0) == pytest.approx(0.1)
    assert cal(9.0) == pytest.approx(0.9)


def test_it_refuses_a_map_that_is_not_monotone():
    with pytest.raises(ValueError, match="monotone"):
        Calibrator((0.0, 1.0), (0.8, 0.2))


def test_decisions_follow_its_thresholds():
    cal = Calibrator((0.0, 1.0), (0.0, 1.0), flag_at=0.8, block_at=0.98)
    assert [cal.decide(p) for p in (0.5, 0.85, 0.99)] == ["allow", "flag", "block"]


def test_it_round_trips_through_the_shipped_json(tmp_path):
    cal = Calibrator((0.0, 0.5, 1.0), (0.02, 0.4, 0.97), flag_at=0.4, block_at=0.97)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"calibrators": {"injection": cal.to_dict()}}))
    assert load_calibrators(path) == {"injection": cal}


def test_a_shipped_set_reads_its_file_once_until_reloaded(tmp_path):
    from guards.analyzers.calibration import ShippedCalibrators

    path = tmp_path / "calibration.json"
    shipped = ShippedCalibrators(path)
    assert shipped.get("gibberish") is None  # no file yet: nothing is calibrated
    cal = Calibrator((0.0, 1.0), (0.1, 0.9), flag_at=0.8, block_at=0.98)
    path.write_text(json.dumps({"calibrators": {"gibberish": cal.to_dict()}}))
    assert shipped.get("gibberish") is None  # read once per process
    shipped.reload()
    assert shipped.get("gibberish") == cal and shipped.get("mojibake") is None
