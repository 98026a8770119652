"""healthguard's scores are calibrated per finding type by the committed maps, and decide by them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.calibration import Calibrator, ShippedCalibrators, load_calibrators
from guards.analyzers.healthguard import HealthGuard, calibrators
from guards.analyzers.healthguard.calibrators import CALIBRATION_PATH

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "bench"))

GUARD = HealthGuard()
SHIPPED = load_calibrators(CALIBRATION_PATH)
CUT_OFF = "The committee met on Tuesday to review the budget. After a long debate the members agreed to"


def run(text, **settings):
    return GUARD.analyze({"text": text}, GUARD.settings_schema.effective(settings), AnalyzerContext())


def test_the_committed_file_maps_every_type_with_a_labelled_set():
    assert {"mojibake", "mixed_encoding", "gibberish", "repetition_loop", "cut_off_sentence"} <= SHIPPED.keys()
    # Too few tune findings to fit: fixed scores, tenant thresholds.
    assert not {"unclosed_quote", "unclosed_bracket", "repeated_sentence"} & SHIPPED.keys()


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_thresholds_follow_the_documented_rule(name):
    cal = SHIPPED[name]
    assert 0.80 <= cal.flag_at <= cal.block_at
    assert cal.block_at >= 0.98  # block only where tune precision >= 0.98, never under 0.98 itself
    if name == "cut_off_sentence":
        assert cal.block_at > 1.0  # flag only: its tune negatives are too easy to promise a block


def test_the_analyzer_scores_a_finding_with_its_types_committed_map():
    text = "Please send the report. asdkjh qwpeoi zxmcnv lkjasd poiuyt"
    f = next(f for f in run(text).findings if f.type == "gibberish")
    assert f.detail["calibrator"] == "gibberish"
    assert f.score == pytest.approx(SHIPPED["gibberish"](f.detail["raw_score"]))
    assert f.score != pytest.approx(f.detail["raw_score"])


@pytest.mark.parametrize("name", ["gibberish", "repetition_loop"])
def test_calibrated_scores_rise_with_the_raw_score(name):
    cal = SHIPPED[name]
    raws = [0.5 + i / 100 for i in range(51)]
    calibrated = [cal(r) for r in raws]
    assert calibrated == sorted(calibrated)
    assert calibrated[0] < calibrated[-1]


def test_a_cut_off_sentence_flags_by_its_probability_and_never_blocks():
    result = run(CUT_OFF)
    f = next(f for f in result.findings if f.type == "cut_off_sentence")
    assert f.detail["raw_score"] == 0.8 and f.score == pytest.approx(SHIPPED["cut_off_sentence"].ys[0])
    assert result.decision == "flag"
    assert run(CUT_OFF, flag_threshold=0.1, block_threshold=0.2).decision == "flag"  # tenant cuts do not apply


def _shipping(monkeypatch, tmp_path, **maps):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"calibrators": {k: c.to_dict() for k, c in maps.items()}}))
    monkeypatch.setattr(calibrators, "CALIBRATORS", ShippedCalibrators(path))


def test_the_decision_follows_the_types_own_thresholds(monkeypatch, tmp_path):
    _shipping(monkeypatch, tmp_path, cut_off_sentence=Calibrator((0.0, 1.0), (0.7, 0.7), 0.8, 0.98))
    assert run(CUT_OFF).decision == "allow"  # 0.7 is under its flag cut, though over the tenant's 0.5
    _shipping(monkeypatch, tmp_path, cut_off_sentence=Calibrator((0.0, 1.0), (0.99, 0.99), 0.8, 0.98))
    assert (run(CUT_OFF).decision, run(CUT_OFF).score) == ("block", pytest.approx(0.99))


def test_a_tenant_moves_the_calibrated_cuts_on_the_probability_scale():
    flagged = run(CUT_OFF)
    probability = next(f.score for f in flagged.findings if f.type == "cut_off_sentence")
    assert flagged.decision == "flag"
    # Stricter: block at or under the finding's probability; more lenient: flag only above it.
    assert run(CUT_OFF, calibrated_block_threshold=probability).decision == "block"
    assert run(CUT_OFF, calibrated_flag_threshold=min(1.0, probability + 0.01)).decision == "allow"
    # The uncalibrated thresholds still leave calibrated findings alone.
    assert run(CUT_OFF, flag_threshold=0.99, block_threshold=0.99).decision == "flag"


def test_without_a_map_the_raw_score_and_tenant_thresholds_stand(monkeypatch, tmp_path):
    _shipping(monkeypatch, tmp_path)
    result = run(CUT_OFF)
    assert (result.score, result.decision) == (0.8, "flag")
    assert "calibrator" not in result.findings[0].detail
    assert run(CUT_OFF, block_threshold=0.75).decision == "block"


def test_the_fit_script_chooses_thresholds_as_documented():
    import train_healthguard_calibration as train

    low_wrong = ([0.55] * 40 + [0.9] * 200, [0] * 20 + [1] * 20 + [1] * 200)
    maps, report = train.fit({
        "gibberish": low_wrong,
        "mojibake": ([0.7] * 100, [1] * 100),
        "cut_off_sentence": ([0.6] * 100, [1] * 100),
        "unclosed_quote": ([0.45] * 10, [1] * 10),
    })
    gib = maps["gibberish"]
    assert report["gibberish"]["map"] == "isotonic"
    assert gib(0.55) == pytest.approx(0.5) and gib.decide(gib(0.55)) == "allow"
    assert gib.decide(gib(0.9)) == "block" and gib.block_at >= 0.98
    assert maps["mojibake"].ys == (pytest.approx(101 / 102),) * 2  # never wrong on 100: Laplace, not 1.0
    assert maps["mojibake"].block_at == pytest.approx(101 / 102)
    assert maps["cut_off_sentence"].block_at > 1.0 and maps["cut_off_sentence"].decide(0.999) == "flag"
    assert "unclosed_quote" not in maps and report["unclosed_quote"]["fitted"] is False
