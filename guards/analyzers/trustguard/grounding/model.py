"""The trained grounding weights (``data/grounding_weights.json``) and how a claim is scored."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.trustguard.grounding.features import FEATURES, LEXICAL_FEATURES, ClaimSupport

WEIGHTS_PATH = Path(__file__).resolve().parents[1] / "data" / "grounding_weights.json"
ENTITY_CAP = 0.25  # most a claim naming an unknown name or figure (or negating its source) can score


@dataclass(frozen=True, slots=True)
class _Logistic:
    names: tuple[str, ...]
    weights: np.ndarray
    bias: float

    def __call__(self, features: dict[str, float]) -> float:
        x = np.array([features[name] for name in self.names], dtype=np.float64)
        return 1.0 / (1.0 + math.exp(-(float(x @ self.weights) + self.bias)))


@dataclass(frozen=True, slots=True)
class GroundingModel:
    """Two logistic models: lexical-only, and lexical + meaning for the claims it leaves open."""

    lexical: _Logistic
    full: _Logistic
    ambiguous: tuple[float, float]  # lexical score band where the embedding is consulted

    @classmethod
    def from_dict(cls, raw: dict) -> GroundingModel:
        lexical, full = raw["lexical"], raw["full"]
        if tuple(lexical["features"]) != LEXICAL_FEATURES or tuple(full["features"]) != FEATURES:
            raise ValueError("grounding weights were trained on other features; rerun the training script")
        return cls(
            _Logistic(LEXICAL_FEATURES, np.array(lexical["weights"], dtype=np.float64), float(lexical["bias"])),
            _Logistic(FEATURES, np.array(full["weights"], dtype=np.float64), float(full["bias"])),
            (float(raw["ambiguous"][0]), float(raw["ambiguous"][1])),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> GroundingModel:
        return cls.from_dict(json.loads(path.read_text()))

    @property
    def uses_meaning(self) -> bool:
        """False when training gave the embedding no weight: then it is not worth computing."""
        return bool(self.full.weights[FEATURES.index("similarity")] > 0)

    def score(self, support: ClaimSupport, *, with_meaning: bool = False) -> float:
        """The claim's support in [0, 1], capped at ``ENTITY_CAP`` for a name or figure absent
        from the reference or a statement the reference makes with the opposite polarity.

        The cap is a rule, not a weight: however well the rest of the sentence matches,
        "founded in 1952" is not supported by a source that says 1934, nor "is not in Delhi"
        by one that says "is in Delhi".
        """
        value = (self.full if with_meaning else self.lexical)(support.features)
        if support.missing_names or support.missing_numbers or support.negates_source:
            value *= ENTITY_CAP  # scaled, not clipped: two such claims still rank by the rest
        return value


