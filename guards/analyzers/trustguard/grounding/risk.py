"""From claim supports to one calibrated probability that the whole output is unfaithful to its sources.

Claims are scored one by one (``model``); an output is judged on what its claims add up
to: its grounding score, the largest share and count of words one claim adds beyond the
sources, figures and names found nowhere in them, and whether the sources contradict a
claim. A sign-constrained logistic model over those (``OutputModel``, trained on the
tuning splits of AggreFact and HaluEval by ``bench/train_trustguard_grounding.py``) gives
a raw probability; the shared isotonic ``Calibrator`` (``data/calibration.json``) maps it
to a probability that holds on the tuning data, with the flag/block thresholds chosen
there (block: precision >= 0.98, flag: >= 0.80).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.calibration import Calibrator, load_calibrators
from guards.analyzers.trustguard.grounding.features import ClaimSupport

CALIBRATION_PATH = Path(__file__).resolve().parents[1] / "data" / "calibration.json"

OUTPUT_FEATURES = (
    # How far below the support threshold the weakest claim falls (0 when every claim is supported):
    # above it, how high a claim's support is says nothing more (a paraphrase scores lower than a quote).
    "shortfall",
    "mean_shortfall",  # the same, averaged over the claims by length
    "unsupported_share",  # share of the output (by length) in claims below the support threshold
    "missing_share",  # largest share of a claim's own words (beyond the prompt) absent from the sources
    "missing_words",  # log1p of the most such words in one claim
    "missing_numbers",  # largest share of a claim's figures absent from the sources
    "missing_names",  # largest share of a claim's names absent from the sources
    "contradicted",  # 1 when the sources contradict a claim (polarity, another figure or name)
)


def grounding_score(supports: list[ClaimSupport]) -> float | None:
    """One figure for the whole output: half the weakest claim, half the length-weighted mean.

    The weakest claim matters most (one invented name spoils an answer), the mean keeps
    a long, mostly grounded answer from scoring like a wholly invented one. ``None`` when
    the output makes no checkable claim.
    """
    if not supports:
        return None
    weights = [max(1, len(s.claim.text)) for s in supports]
    mean = sum(w * s.score for w, s in zip(weights, supports, strict=True)) / sum(weights)
    return 0.5 * min(s.score for s in supports) + 0.5 * mean


def output_features(supports: list[ClaimSupport], support_threshold: float = 0.5) -> dict[str, float] | None:
    """The output-level features of ``OUTPUT_FEATURES``; ``None`` when no claim was graded.

    Words, figures and names missing from the sources count only in the claims left
    unsupported: a claim supported by meaning ("Eiffel's firm" for "the company of
    Gustave Eiffel") has explained its own words.
    """
    grounding = grounding_score(supports)
    if grounding is None:
        return None
    weak = [s for s in supports if s.score < support_threshold]
    lengths = [max(1, len(s.claim.text)) for s in supports]
    gaps = [max(0.0, support_threshold - s.score) for s in supports]
    return {
        "shortfall": max(gaps),
        "mean_shortfall": sum(g * n for g, n in zip(gaps, lengths, strict=True)) / sum(lengths),
        "unsupported_share": sum(len(s.claim.text) for s in weak) / max(1, sum(len(s.claim.text) for s in supports)),
        "missing_share": max((1.0 - s.features["novel_coverage"] for s in weak), default=0.0),
        "missing_words": math.log1p(max((len(s.missing_words) for s in weak), default=0)),
        "missing_numbers": max((s.features["unsupported_numbers"] for s in weak), default=0.0),
        "missing_names": max((s.features["unsupported_names"] for s in weak), default=0.0),
        "contradicted": float(any(s.contradicted for s in supports)),
    }


@dataclass(frozen=True, slots=True)
class OutputModel:
    """Logistic weights over ``OUTPUT_FEATURES``: the raw probability that an output is unfaithful."""

    weights: np.ndarray
    bias: float

    @classmethod
    def from_dict(cls, raw: dict) -> OutputModel:
        if tuple(raw["features"]) != OUTPUT_FEATURES:
            raise ValueError("output weights were trained on other features; rerun the training script")
        return cls(np.array(raw["weights"], dtype=np.float64), float(raw["bias"]))

    def __call__(self, features: dict[str, float]) -> float:
        z = float(np.array([features[n] for n in OUTPUT_FEATURES]) @ self.weights) + self.bias
        return 1.0 / (1.0 + math.exp(-z))


_lock = threading.Lock()
_calibrators: dict[str, Calibrator] | None = None


def calibrator(name: str) -> Calibrator:
    """The shipped calibrator ``name`` (``grounding``), read once per process."""
    global _calibrators
    with _lock:
        if _calibrators is None:
            _calibrators = load_calibrators(CALIBRATION_PATH)
        return _calibrators[name]


def reset_calibrators() -> None:
    """Forget the loaded calibrators (the training script rewrites the file)."""
    global _calibrators
    with _lock:
        _calibrators = None
