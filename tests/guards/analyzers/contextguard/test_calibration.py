"""contextguard's drift score is calibrated per view by the committed maps, and flags by their cut."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.calibration import Calibrator, ShippedCalibrators, load_calibrators
from guards.analyzers.contextguard import ContextGuard, calibrators
from guards.analyzers.contextguard.calibrators import CALIBRATION_PATH
from guards.analyzers.contextguard.memory import LocalSessionMemory

from .conversations import CONFIG_THEN_HIKING, SHIFT_AT, role

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "bench"))

SHIPPED = load_calibrators(CALIBRATION_PATH)
VIEWS = ("embedding", "lexical", "embedding_same_role", "lexical_same_role")


@pytest.fixture(scope="module")
def guard() -> ContextGuard:
    instance = ContextGuard()
    instance.warm_up()
    return instance


def converse(guard, turns, *, as_user=False, **settings):
    cfg = {**ContextGuard.settings_schema.defaults(), **settings}
    context = AnalyzerContext(tenant_key="t1", memory=LocalSessionMemory(), session_id="s1")
    return [guard.analyze({"text": t, "role": "user" if as_user else role(i)}, cfg, context)
            for i, t in enumerate(turns)]


def test_the_committed_file_has_a_map_for_every_view():
    assert set(VIEWS) <= SHIPPED.keys()


@pytest.mark.parametrize("view", VIEWS)
def test_shipped_cuts_follow_the_documented_rule(view):
    cal = SHIPPED[view]
    meta = json.loads(CALIBRATION_PATH.read_text())["meta"]["train"][view]
    assert cal.block_at > 1.0  # contextguard never blocks
    if view == "embedding_same_role":
        # A share of the top-scored turns, the largest whose flags stayed >= 0.80 right on
        # held-out train dialogues (nested CV); the flags' own train precision is >= 0.80 too.
        table = {row["share"]: row["held_out_precision"] for row in meta["nested_cv"]}
        assert meta["flag_share"] > 0 and table[meta["flag_share"]] >= 0.80
        assert all(p < 0.80 for share, p in table.items() if share > meta["flag_share"])
        assert meta["train_flag_precision"] >= 0.80 and meta["train_flag_support"] >= 20
        assert 0.5 < cal.flag_at < 1.0
    else:
        assert cal.flag_at >= 0.80  # flag only where train precision >= 0.80, never under 0.80 itself
    raws = [i / 50 for i in range(51)]
    calibrated = [cal(r) for r in raws]
    assert calibrated == sorted(calibrated) and calibrated[0] < calibrated[-1]
    assert max(calibrated) <= 0.99  # no chit-chat turn is a sure shift


def test_the_reported_score_is_the_model_score_through_the_committed_map(guard):
    results = converse(guard, CONFIG_THEN_HIKING)
    for r in results[1:]:
        calibration = r.data["drift_calibration"]
        assert calibration["map"] == "embedding"
        assert r.score == pytest.approx(SHIPPED["embedding"](calibration["raw_score"]), abs=1e-4)
        assert calibration["flag_at"] == round(SHIPPED["embedding"].flag_at, 4)
    raws = [r.data["drift_calibration"]["raw_score"] for r in results[1:]]
    scores = [r.score for r in results[1:]]
    assert sorted(range(len(raws)), key=raws.__getitem__) == sorted(range(len(scores)), key=scores.__getitem__)
    assert results[SHIFT_AT].score != pytest.approx(raws[SHIFT_AT - 1])  # the map moved it


def test_user_only_sessions_are_read_through_the_same_role_map(guard):
    results = converse(guard, CONFIG_THEN_HIKING[0::2], as_user=True)
    assert [r.data["drift_calibration"]["map"] for r in results[1:]] == ["embedding_same_role"] * 2


def _shipping(monkeypatch, tmp_path, flag_at, value):
    maps = {v: Calibrator((0.0, 0.5, 1.0), (0.0, 0.5, value), flag_at, 1.01) for v in VIEWS}
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"calibrators": {k: c.to_dict() for k, c in maps.items()}}))
    monkeypatch.setattr(calibrators, "CALIBRATORS", ShippedCalibrators(path))


def test_the_flag_follows_the_views_cut_and_the_boundary_does_not(guard, monkeypatch, tmp_path):
    _shipping(monkeypatch, tmp_path, flag_at=0.8, value=0.95)
    flagged = converse(guard, CONFIG_THEN_HIKING)
    assert flagged[SHIFT_AT].decision == "flag"
    assert flagged[SHIFT_AT].findings[0].detail["flagged"] is True
    _shipping(monkeypatch, tmp_path, flag_at=0.8, value=0.6)
    reported = converse(guard, CONFIG_THEN_HIKING)
    assert reported[SHIFT_AT].decision == "allow"
    assert reported[SHIFT_AT].data["drift_detected"] is True  # still a new topic in memory
    assert reported[SHIFT_AT].data["topic_shift_point"] == SHIFT_AT
    # The tenant's drift_threshold, when set, replaces the fitted cut.
    assert converse(guard, CONFIG_THEN_HIKING, drift_threshold=0.55)[SHIFT_AT].decision == "flag"


def test_the_fit_script_puts_the_flag_cut_where_train_precision_reaches_080():
    import train_contextguard_calibration as train

    # 40 turns calibrated 0.85 with 30 shifts (0.75) and 40 at 0.95 with 38 (0.95):
    # from 0.85 precision is 0.85 over 80 turns; the lowest cut >= 0.80 that holds is 0.85.
    calibrated = [0.5] * 100 + [0.85] * 40 + [0.95] * 40
    labels = [0] * 100 + [1] * 30 + [0] * 10 + [1] * 38 + [0] * 2
    assert train.flag_cut(calibrated, labels) == 0.85
    # At 0.85 only 0.70 are right: the cut moves up to 0.95.
    labels = [0] * 100 + [1] * 18 + [0] * 22 + [1] * 38 + [0] * 2
    assert train.flag_cut(calibrated, labels) == 0.95
    # Nothing of at least 0.80 backed by 20 turns: the view never flags.
    assert train.flag_cut([0.5] * 100 + [0.9] * 10, [0] * 100 + [1] * 10) > 1.0


def test_a_top_share_cut_never_takes_more_than_its_share():
    import train_contextguard_calibration as train

    scores = [i / 100 for i in range(100)]
    assert train.top_share_cut(scores, 0.05) == 0.95  # 0.95..0.99: five turns
    # Ties are all in or all out: ten turns at 0.9 cannot be cut at five, the next value up is.
    tied = [0.1] * 80 + [0.9] * 10 + [0.95] * 3 + [0.97] * 7
    assert train.top_share_cut(tied, 0.15) == 0.95
    assert train.top_share_cut(tied, 0.20) == 0.9
    assert train.top_share_cut(tied, 0.001) > 1.0  # less than one turn: never flags


def test_the_centred_map_rises_between_isotonic_steps():
    import train_contextguard_calibration as train

    rng = np.random.RandomState(0)
    raw = rng.uniform(0, 1, 4000)
    labels = (rng.uniform(0, 1, 4000) < raw).astype(int)  # P(shift) = raw
    cal = train.fit_centered(raw, labels)
    values = [cal(x) for x in np.linspace(0.05, 0.95, 200)]
    assert values == sorted(values)
    assert len(set(np.round(values, 6))) > 150  # no wide plateaus: a cut can fall between any two
    assert cal(0.2) == pytest.approx(0.2, abs=0.06) and cal(0.8) == pytest.approx(0.8, abs=0.06)
    assert max(cal.ys) <= train.CEILING


def test_nested_share_picks_the_largest_share_that_holds_080_out_of_sample():
    import train_contextguard_calibration as train

    # 400 dialogues of 10 turns; the top 3 % of scores are shifts 95 % of the time, the
    # next 5 % only half of the time: the top 4 % are ~0.84 right, the top 5 % ~0.77.
    rng = np.random.RandomState(1)
    n = 4000
    raw = rng.uniform(0, 0.9, n)
    labels = (rng.uniform(0, 1, n) < 0.3).astype(int)
    top = rng.choice(n, size=int(0.08 * n), replace=False)
    raw[top[:120]] = rng.uniform(0.96, 1.0, 120)
    labels[top[:120]] = (rng.uniform(0, 1, 120) < 0.95).astype(int)
    raw[top[120:]] = rng.uniform(0.9, 0.96, len(top) - 120)
    labels[top[120:]] = (rng.uniform(0, 1, len(top) - 120) < 0.5).astype(int)
    share, table = train.nested_share(raw.tolist(), labels.tolist(), [i // 10 for i in range(n)], draws=2)
    assert share == 0.04
    assert [row["share"] for row in table] == list(train.SHARES)
