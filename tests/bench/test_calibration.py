"""bench/calibration.py: the fitting and measuring every guard's benchmark uses."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from calibration import (
    choose_thresholds,
    fit_calibrator,
    fit_flat_calibrator,
    precision_at,
    ranks,
    reliability,
    reliability_diagram,
)


def _synthetic(n: int = 4000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Raw scores whose true positive rate is a logistic of the score: a known answer."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(0.0, 2.0, n)
    labels = (rng.random(n) < 1 / (1 + np.exp(-2 * raw))).astype(int)
    return raw, labels


def test_a_fitted_map_is_calibrated_on_fresh_rows_from_the_same_source():
    raw, labels = _synthetic(seed=1)
    cal, _ = fit_calibrator(raw, labels)
    fresh_raw, fresh_labels = _synthetic(seed=2)
    probs = [cal(x) for x in fresh_raw]
    raw_squashed = np.clip(fresh_raw / 8 + 0.5, 0, 1)  # an uncalibrated but monotone score
    assert reliability(probs, fresh_labels).ece < 0.03
    assert reliability(raw_squashed, fresh_labels).ece > 0.1


def test_thresholds_reach_the_precision_they_promise():
    raw, labels = _synthetic(seed=3)
    cal, t = fit_calibrator(raw, labels)
    probs = np.array([cal(x) for x in raw])
    assert labels[probs >= t.block_at].mean() >= 0.98
    assert labels[probs >= t.flag_at].mean() >= 0.80
    assert t.flag_at <= t.block_at


def test_no_threshold_is_chosen_when_the_precision_is_never_reached():
    scores = [0.1, 0.5, 0.9, 0.95]
    labels = [1, 0, 0, 1]
    t = choose_thresholds(scores, labels, min_support=2)  # one lucky top row is not enough
    assert t.block_at > 1.0  # "never block" rather than a block that is wrong half the time


def test_the_diagram_is_a_png_and_returns_the_measures(tmp_path):
    raw, labels = _synthetic(seed=4, n=500)
    cal, t = fit_calibrator(raw, labels)
    path = tmp_path / "reliability.png"
    out = reliability_diagram({"demo": ([cal(x) for x in raw], labels)}, path, title="demo", thresholds={"demo": t})
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out["demo"].bins and 0 <= out["demo"].ece < 0.1


def test_a_score_that_does_not_rank_gets_one_probability_its_precision():
    rng = np.random.default_rng(3)
    labels = (rng.random(400) < 0.9).astype(int)
    noise = rng.random(400)  # unrelated to the labels
    assert abs(ranks(noise, labels) - 0.5) < 0.1
    assert ranks(np.where(labels == 1, 0.9, 0.1), labels) == 1.0
    cal, th = fit_flat_calibrator(labels, min_support=10)
    assert cal(0.0) == cal(1.0) == cal(0.37) == labels.mean()
    assert th.flag_at == labels.mean() and th.block_at > 1.0  # 0.9 precision: worth a look, never a block


def test_precision_at_a_cut_counts_only_the_rows_at_or_above_it():
    scores = [0.2, 0.5, 0.5, 0.85, 0.9, 0.99]
    labels = [1, 0, 1, 1, 0, 1]
    assert precision_at(scores, labels, 0.5) == (0.6, 5)  # ties at the cut are taken
    assert precision_at(scores, labels, 0.85) == (2 / 3, 3)
    p, n = precision_at(scores, labels, 1.01)
    assert n == 0 and np.isnan(p)  # a cut nothing reaches has no precision, not 1.0
