"""The trained grounding parameters (``data/grounding_weights.json``) and how a claim is scored."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.trustguard.grounding.features import LEXICAL_FEATURES, ClaimSupport
from guards.analyzers.trustguard.grounding.risk import OutputModel

WEIGHTS_PATH = Path(__file__).resolve().parents[1] / "data" / "grounding_weights.json"
ENTITY_CAP = 0.25  # most a claim naming an unknown name or figure (or negating its source) can score


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True, slots=True)
class _Logistic:
    names: tuple[str, ...]
    weights: np.ndarray
    bias: float

    def __call__(self, features: dict[str, float]) -> float:
        x = np.array([features[name] for name in self.names], dtype=np.float64)
        return _sigmoid(float(x @ self.weights) + self.bias)


@dataclass(frozen=True, slots=True)
class MeaningRule:
    """Support by meaning for a claim whose names, figures and polarity all agree with its source.

    Such a claim may still use words of its own ("completed" for "built"); the MiniLM cosine
    between it and its best source sentence then decides: ``threshold`` is the cosine that
    scores 0.5 (the default support threshold), ``slope`` how fast support rises past it.
    Only claims whose lexical score is below ``ceiling`` are worth the embedding.
    """

    threshold: float
    slope: float
    ceiling: float

    def support(self, cosine: float) -> float:
        return _sigmoid(self.slope * (cosine - self.threshold))


@dataclass(frozen=True, slots=True)
class GroundingModel:
    """A lexical logistic model for every claim, a meaning rule for the paraphrases it misses,
    and the output model that turns the claims into one probability of unfaithfulness."""

    lexical: _Logistic
    meaning: MeaningRule | None  # None: never consult the embedder
    output: OutputModel | None = None  # None: only while training the claim-level parts

    @classmethod
    def from_dict(cls, raw: dict) -> GroundingModel:
        lexical = raw["lexical"]
        if tuple(lexical["features"]) != LEXICAL_FEATURES:
            raise ValueError("grounding weights were trained on other features; rerun the training script")
        meaning = raw.get("meaning")
        return cls(
            _Logistic(LEXICAL_FEATURES, np.array(lexical["weights"], dtype=np.float64), float(lexical["bias"])),
            None if meaning is None else MeaningRule(
                float(meaning["threshold"]), float(meaning["slope"]), float(meaning["ceiling"])
            ),
            OutputModel.from_dict(raw["output"]) if raw.get("output") else None,
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> GroundingModel:
        return cls.from_dict(json.loads(path.read_text()))

    @property
    def uses_meaning(self) -> bool:
        return self.meaning is not None

    def score(self, support: ClaimSupport) -> float:
        """The claim's support in [0, 1], capped at ``ENTITY_CAP`` for a name or figure absent
        from the reference or a statement the reference makes with the opposite polarity.

        The cap is a rule, not a weight: however well the rest of the sentence matches,
        "founded in 1952" is not supported by a source that says 1934, nor "is not in Delhi"
        by one that says "is in Delhi". Meaning can only raise a claim that passes those
        checks (``decided`` is false), never one that fails them.
        """
        value = self.lexical(support.features)
        if decided(support):
            return value * ENTITY_CAP  # scaled, not clipped: two such claims still rank by the rest
        similarity = support.features.get("similarity")
        if self.meaning is not None and similarity is not None:
            value = max(value, self.meaning.support(similarity))
        return value


def decided(support: ClaimSupport) -> bool:
    """A name or figure absent from the reference, or the opposite polarity: meaning cannot excuse it."""
    return bool(support.missing_names or support.missing_numbers or support.negates_source)
