"""Calibrated scores: map a detector's raw score to a probability of being right.

A guard's ``score`` must mean what it says: of the findings scored 0.9, about nine in
ten are real (on the labelled data the map was fitted on). Each detector keeps its
own raw score (a margin, a logit, a similarity) and ships a monotone piecewise-linear
map fitted by ``bench/calibration.py`` (isotonic regression on a tuning split) and
stored as knots in the guard's data folder. Applying it is one ``numpy.interp``.

Pure: no Django, no I/O beyond reading the shipped JSON once.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Calibrator:
    """Monotone map from a raw score to a probability, plus the decision thresholds.

    ``flag_at``/``block_at`` are on the calibrated scale and were chosen on the tuning
    split so that ``block`` is very sure (precision >= 0.98 there) and ``flag`` worth a
    person's look (precision >= 0.80).
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    flag_at: float = 0.5
    block_at: float = 0.9

    def __post_init__(self) -> None:
        if len(self.xs) != len(self.ys) or len(self.xs) < 2:
            raise ValueError("a calibrator needs at least two knots, as many x as y")
        if any(b < a for a, b in zip(self.xs, self.xs[1:], strict=False)):
            raise ValueError("calibrator knots must be sorted by raw score")
        if any(b < a for a, b in zip(self.ys, self.ys[1:], strict=False)):
            raise ValueError("a calibrator must be monotone (non-decreasing)")

    def __call__(self, raw: float) -> float:
        return float(np.clip(np.interp(raw, self.xs, self.ys), 0.0, 1.0))

    def decide(self, probability: float) -> str:
        if probability >= self.block_at:
            return "block"
        if probability >= self.flag_at:
            return "flag"
        return "allow"

    def to_dict(self) -> dict[str, Any]:
        return {"xs": list(self.xs), "ys": list(self.ys), "flag_at": self.flag_at, "block_at": self.block_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        return cls(tuple(float(x) for x in data["xs"]), tuple(float(y) for y in data["ys"]),
                   float(data.get("flag_at", 0.5)), float(data.get("block_at", 0.9)))


def load_calibrators(path: Path) -> dict[str, Calibrator]:
    """``{detector: Calibrator}`` from a JSON file written by ``bench/calibration.py``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: Calibrator.from_dict(spec) for name, spec in raw.get("calibrators", {}).items()}


class ShippedCalibrators:
    """A guard's calibration file, read once per process on first use (thread-safe).

    ``get`` returns ``None`` for a finding type the file has no map for: that type
    keeps its fixed score and the tenant's thresholds (too few labelled findings to fit).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._loaded: dict[str, Calibrator] | None = None

    def all(self) -> dict[str, Calibrator]:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = load_calibrators(self.path) if self.path.exists() else {}
        return self._loaded

    def get(self, name: str) -> Calibrator | None:
        return self.all().get(name)

    def reload(self) -> None:
        """Forget the loaded maps (a fitting script has rewritten the file)."""
        with self._lock:
            self._loaded = None
