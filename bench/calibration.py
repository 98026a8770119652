"""Fit score calibration, choose decision thresholds, draw reliability diagrams.

Shared by every guard's training and benchmark scripts, so "a score of 0.9 is right
nine times in ten" and "block means precision >= 0.98" are measured the same way for
all six guards:

- :func:`fit_calibrator` fits isotonic regression of the label on a detector's raw
  score (on the TUNING split only) and returns a monotone piecewise-linear
  :class:`~guards.analyzers.calibration.Calibrator` with few knots, together with
  the flag/block thresholds chosen on the same tuning rows by :func:`choose_thresholds`.
- :func:`reliability` and :func:`reliability_diagram` measure calibration on the
  REPORTED split (expected calibration error, per-bin accuracy) and draw the PNG that
  each guard's bench README shows.
- :func:`save_calibrators` writes the knots into the guard's data folder.

Only the trained parameters (knots, thresholds) are committed; the rows never are.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# Training scripts import this module first: the repository root must be importable from here,
# as it is from securityguard_datasets, when a script is run as `.venv/bin/python bench/<script>`.
_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from guards.analyzers.calibration import Calibrator  # noqa: E402

BLOCK_PRECISION = 0.98
FLAG_PRECISION = 0.80
MAX_KNOTS = 48


@dataclass(frozen=True, slots=True)
class Thresholds:
    flag_at: float
    block_at: float
    flag_precision: float  # measured on the rows the thresholds were chosen on
    block_precision: float
    flag_support: int  # rows at or above the threshold
    block_support: int


def wilson_lower(successes: int, total: int, z: float = 1.64) -> float:
    """One-sided 95 % lower bound of a proportion: a threshold backed by 3 rows is not "very sure"."""
    if total == 0:
        return 0.0
    p = successes / total
    denom = 1 + z * z / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - margin) / denom


def _lowest_threshold(scores: np.ndarray, labels: np.ndarray, target: float, *, min_support: int,
                      use_bound: bool) -> tuple[float, float, int]:
    """Lowest cut whose rows at or above it reach ``target`` precision; (1.01, 1.0, 0) when none does."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    tp = np.cumsum(y)
    best = (1.01, 1.0, 0)
    for i in range(len(s)):
        if i + 1 < len(s) and s[i + 1] == s[i]:
            continue  # a threshold takes every row with the same score
        n = i + 1
        precision = tp[i] / n
        ok = wilson_lower(int(tp[i]), n) >= target if use_bound else precision >= target
        if ok and n >= min_support:
            best = (float(s[i]), float(precision), n)
    return best


def choose_thresholds(scores: Sequence[float], labels: Sequence[int], *, block_precision: float = BLOCK_PRECISION,
                      flag_precision: float = FLAG_PRECISION, min_support: int = 20,
                      use_bound: bool = False) -> Thresholds:
    """Lowest thresholds whose precision (over every row scored at or above them) meets the targets.

    With ``use_bound`` the one-sided lower confidence bound must meet the target, which
    is what a small tuning set needs before it may promise "very sure".
    """
    x = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=float)
    block_at, block_p, block_n = _lowest_threshold(x, y, block_precision, min_support=min_support,
                                                   use_bound=use_bound)
    flag_at, flag_p, flag_n = _lowest_threshold(x, y, flag_precision, min_support=min_support,
                                                use_bound=use_bound)
    flag_at = min(flag_at, block_at)
    return Thresholds(flag_at, block_at, flag_p, block_p, flag_n, block_n)


def _compress(xs: np.ndarray, ys: np.ndarray, max_knots: int) -> tuple[list[float], list[float]]:
    """Keep the step corners of the isotonic fit, thinned to at most ``max_knots``."""
    keep = [0]
    for i in range(1, len(xs) - 1):
        if ys[i] != ys[i - 1] or ys[i] != ys[i + 1]:
            keep.append(i)
    keep.append(len(xs) - 1)
    if len(keep) > max_knots:
        picks = np.linspace(0, len(keep) - 1, max_knots).round().astype(int)
        keep = [keep[i] for i in sorted(set(picks.tolist()))]
    out_x, out_y = [], []
    for i in keep:
        if out_x and xs[i] == out_x[-1]:
            out_y[-1] = max(out_y[-1], float(ys[i]))
            continue
        out_x.append(float(xs[i]))
        out_y.append(float(ys[i]))
    if len(out_x) == 1:
        out_x.append(out_x[0] + 1e-6)
        out_y.append(out_y[0])
    return out_x, out_y


def fit_calibrator(raw_scores: Sequence[float], labels: Sequence[int], *, max_knots: int = MAX_KNOTS,
                   block_precision: float = BLOCK_PRECISION, flag_precision: float = FLAG_PRECISION,
                   min_support: int = 20, use_bound: bool = False,
                   floor: float = 0.0, ceiling: float = 1.0) -> tuple[Calibrator, Thresholds]:
    """Isotonic map raw -> P(label=1) and thresholds on the calibrated scale (tuning rows only).

    ``floor``/``ceiling`` clip the fitted probabilities: a detector that never saw a
    false positive on a few hundred rows still should not claim 1.0.
    """
    from sklearn.isotonic import IsotonicRegression

    x = np.asarray(raw_scores, dtype=float)
    y = np.asarray(labels, dtype=float)
    iso = IsotonicRegression(y_min=floor, y_max=ceiling, out_of_bounds="clip", increasing=True)
    iso.fit(x, y)
    grid = np.unique(x)
    fitted = iso.predict(grid)
    xs, ys = _compress(grid, fitted, max_knots)
    calibrated = np.interp(x, xs, ys)
    thresholds = choose_thresholds(calibrated, y, block_precision=block_precision, flag_precision=flag_precision,
                                   min_support=min_support, use_bound=use_bound)
    return Calibrator(tuple(xs), tuple(ys), thresholds.flag_at, thresholds.block_at), thresholds


def ranks(raw_scores: Sequence[float], labels: Sequence[int]) -> float:
    """ROC AUC of the raw score on the tuning rows (0.5 when only one label is present)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, raw_scores)) if len(set(labels)) == 2 else 0.5


def fit_flat_calibrator(labels: Sequence[int], *, min_support: int = 20,
                        ceiling: float = 1.0) -> tuple[Calibrator, Thresholds]:
    """One probability for every finding: the share of correct ones on the tuning rows.

    For a finding type whose raw score does not rank its findings, an isotonic map only
    fits the noise of its few wrong ones (and scores them in reverse on fresh data).
    """
    p = min(ceiling, float(np.mean(labels)))
    thresholds = choose_thresholds([p] * len(labels), labels, min_support=min_support)
    return Calibrator((0.0, 1.0), (p, p), thresholds.flag_at, thresholds.block_at), thresholds


@dataclass(frozen=True, slots=True)
class Reliability:
    ece: float  # expected calibration error (|accuracy - confidence| weighted by bin size)
    bins: list[dict[str, float]]  # lower, upper, count, mean_score, positive_rate
    brier: float


def reliability(scores: Sequence[float], labels: Sequence[int], *, n_bins: int = 10) -> Reliability:
    """Calibration of probabilities ``scores`` against 0/1 ``labels`` in equal-width bins."""
    s = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
    y = np.asarray(labels, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.minimum(np.digitize(s, edges[1:-1], right=False), n_bins - 1)
    bins: list[dict[str, float]] = []
    ece = 0.0
    for b in range(n_bins):
        mask = idx == b
        count = int(mask.sum())
        if count == 0:
            continue
        mean_score = float(s[mask].mean())
        rate = float(y[mask].mean())
        ece += count / len(s) * abs(rate - mean_score)
        bins.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "count": count,
                     "mean_score": round(mean_score, 4), "positive_rate": round(rate, 4)})
    brier = float(np.mean((s - y) ** 2)) if len(s) else 0.0
    return Reliability(round(ece, 4), bins, round(brier, 4))


def precision_at(scores: Sequence[float], labels: Sequence[int], threshold: float) -> tuple[float, int]:
    """Precision and support of the rows scored at or above ``threshold``: what a shipped cut delivers.

    ``(nan, 0)`` when no row reaches it, so "never fires" is not mistaken for "always right".
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=float)
    mask = s >= threshold
    n = int(mask.sum())
    return (float(y[mask].mean()) if n else float("nan")), n


def reliability_diagram(curves: dict[str, tuple[Sequence[float], Sequence[int]]], path: Path, *, title: str,
                        thresholds: dict[str, Thresholds] | None = None, n_bins: int = 10,
                        score_label: str = "calibrated score") -> dict[str, Reliability]:
    """Draw one reliability curve per detector (reported split) into ``path`` (PNG); return the measures.

    ``score_label`` names the x axis: a guard whose scores were never calibrated should not call them so.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, hist) = plt.subplots(2, 1, figsize=(6.4, 7.2), height_ratios=[3, 1], sharex=True)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfectly calibrated")
    out: dict[str, Reliability] = {}
    for name, (scores, labels) in curves.items():
        rel = reliability(scores, labels, n_bins=n_bins)
        out[name] = rel
        xs = [b["mean_score"] for b in rel.bins]
        ys = [b["positive_rate"] for b in rel.bins]
        line = ax.plot(xs, ys, marker="o", label=f"{name} (ECE {rel.ece:.3f}, n={len(scores)})")[0]
        hist.hist(np.clip(np.asarray(scores, dtype=float), 0, 1), bins=n_bins, range=(0, 1), histtype="step",
                  color=line.get_color())
        if thresholds and name in thresholds:
            t = thresholds[name]
            for value, style in ((t.flag_at, ":"), (t.block_at, "-.")):
                if value <= 1.0:
                    ax.axvline(value, color=line.get_color(), linestyle=style, linewidth=1)
    ax.set_ylabel("fraction positive (observed)")
    ax.set_title(title)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    hist.set_xlabel(f"{score_label} (dotted: flag threshold, dash-dot: block threshold)")
    hist.set_ylabel("rows")
    hist.set_yscale("log")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return out


def save_calibrators(path: Path, calibrators: dict[str, Calibrator], *, meta: dict[str, Any] | None = None) -> None:
    """Write (or update) a guard's calibration file: ``{"calibrators": {...}, "meta": {...}}``."""
    existing: dict[str, Any] = {}
    if path.exists():
        existing = json.loads(path.read_text(encoding="utf-8"))
    merged = {**existing.get("calibrators", {}), **{k: c.to_dict() for k, c in calibrators.items()}}
    body = {"calibrators": dict(sorted(merged.items())), "meta": {**existing.get("meta", {}), **(meta or {})}}
    path.write_text(json.dumps(body, indent=1, sort_keys=False) + "\n", encoding="utf-8")
