"""The healthguard and contextguard benches measure calibration at the thresholds the analyzers ship."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import contextguard_quality
import healthguard_quality

from guards.analyzers.contextguard.calibrators import CALIBRATORS as CG_CALIBRATORS
from guards.analyzers.healthguard.calibrators import CALIBRATORS

PNG = b"\x89PNG\r\n\x1a\n"


def test_healthguard_precision_is_read_off_the_decisions_each_finding_type_makes(tmp_path):
    scores = [0.0, 0.0, 0.83, 0.83, 0.99, 1.0]
    labels = [0, 1, 0, 1, 1, 1]
    decisions = ["allow", "allow", "flag", "flag", "block", "block"]
    out = healthguard_quality.calibration({"repetition": (scores, labels, decisions)}, tmp_path / "h.png")
    row = out["detectors"]["repetition"]
    assert (row["flag_precision"], row["flag_support"]) == (0.75, 4)  # a block is a flag too
    assert (row["block_precision"], row["block_support"]) == (1.0, 2)
    assert row["findings"] == 4  # rows without a finding (score 0) are left out of the findings-only ECE
    shipped = CALIBRATORS.get("repetition_loop")
    assert (row["flag_at"], row["block_at"]) == (shipped.flag_at, shipped.block_at)  # marked on the diagram
    assert (tmp_path / "h.png").read_bytes()[:8] == PNG


def test_contextguard_reads_precision_off_its_flags_at_the_views_fitted_cut(tmp_path):
    curve = {"score": [0.1, 0.4, 0.85, 0.9], "gold": [False, True, False, True], "flag": [False, False, True, True],
             "map": [None, "embedding", "embedding", "embedding"]}
    out = contextguard_quality.calibration({"demo": curve}, tmp_path / "c.png")
    assert (out["demo"]["flag_precision"], out["demo"]["flag_support"]) == (0.5, 2)
    assert out["demo"]["flag_threshold"] == CG_CALIBRATORS.get("embedding").flag_at
    assert out["demo"]["shifts"] == 2 and "block_precision" not in out["demo"]
    assert (tmp_path / "c.png").read_bytes()[:8] == PNG
