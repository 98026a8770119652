"""Stereotype statements recognised by meaning, not wording.

A logistic model over MiniLM sentence embeddings, trained on CrowS-Pairs stereotype
sentences against ordinary text - conversation, encyclopaedic sentences, WinoBias
sentences about people in occupations and GSM8K word problems
(``bench/train_biasguard_stereotypes.py``); only its weights and per-category
centroids are shipped (``data/stereotype_model.npz``), never the sentences.

A word and word-pair logistic screen (microseconds), who the sentence is about
(:mod:`referents`: a generic group subject, or a particular person) and the cues that
stand in for a group it does not name (:mod:`cues`: trait words, group-implying words)
are stacked with it; the stack's probability is then calibrated (``data/calibration.json``). Embedding
costs 5-10 ms a sentence on one core, so the *lexical* stack (screen + referents +
pattern strength, calibrated separately) ranks the sentences, only those past its gate
(which keeps 97 % of stereotypes out of fold) are candidates, and at most
``max_embedded_sentences`` of them are embedded.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.biasguard.categories import BIAS_CATEGORIES
from guards.analyzers.biasguard.cues import CUE_FEATURES, cue_features
from guards.analyzers.biasguard.referents import FEATURES, Referents

MODEL_PATH = Path(__file__).parent / "data" / "stereotype_model.npz"
MAX_CHARS = 160  # embedding costs ~0.35 ms a token: read a window around the group word
_NOISE = re.compile(r"https?://\S+|@\w+|&#?\w+;|\bRT\b|#(?=\w)")


def embedding_input(text: str, anchor: int = 0) -> str:
    """The part of a sentence worth embedding: links, handles and HTML entities removed,
    then at most ``MAX_CHARS`` starting a little before ``anchor`` (the group word)."""
    start = max(0, anchor - MAX_CHARS // 4)
    window = text[start:] if len(text) - start > MAX_CHARS or start == 0 else text[-MAX_CHARS:]
    cleaned = " ".join(_NOISE.sub(" ", window).split())
    return cleaned[:MAX_CHARS]
_TOKEN = re.compile(r"[a-z0-9']+")
# The stack's columns after the two model logits, in order (see ``structure``).
STRUCTURE_FEATURES = (*FEATURES, "pattern_strength", *CUE_FEATURES)


def structure(who: Referents, pattern_strength: float, sentence: str) -> list[float]:
    """The stacks' columns for one sentence: who it is about, how sweeping its wording is, which cues it has."""
    return [*who.features(), pattern_strength, *cue_features(sentence)]


def lexical_features(text: str) -> set[str]:
    """Lower-cased words and adjacent word pairs: what the screen reads."""
    words = _TOKEN.findall(text.lower())
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


@dataclass(frozen=True, slots=True)
class StereotypeScore:
    probability: float  # the stack's raw probability (uncalibrated)
    category: str
    similarity: float  # cosine to that category's centroid


class StereotypeModel:
    def __init__(self, path: Path = MODEL_PATH) -> None:
        with np.load(path, allow_pickle=False) as data:
            self.weights = data["weights"].astype(np.float32)
            self.bias = float(data["bias"])
            self.centroids = data["centroids"].astype(np.float32)
            self.centroid_categories = [str(c) for c in data["centroid_categories"]]
            self.screen_weights = dict(zip((str(v) for v in data["screen_vocabulary"]),
                                           data["screen_weights"].astype(float).tolist(), strict=True))
            self.screen_bias = float(data["screen_bias"])
            stack_features = [str(f) for f in data["stack_features"]]
            self.stack_weights = data["stack_weights"].astype(float).tolist()
            self.stack_bias = float(data["stack_bias"])
            self.lexical_weights = data["lexical_weights"].astype(float).tolist()
            self.lexical_bias = float(data["lexical_bias"])
            self.gate = float(data["gate"])
        unknown = set(self.centroid_categories) - set(BIAS_CATEGORIES)
        if unknown:
            raise ValueError(f"stereotype model has unknown categories {sorted(unknown)}")
        expected = ["embedding_logit", "screen_logit", *STRUCTURE_FEATURES]
        if stack_features != expected:
            raise ValueError(f"stereotype model was trained on features {stack_features}, not {expected}")
        self._embedder = None
        self._lock = threading.Lock()

    def _embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._embedder is None:
                from guards.analyzers.embeddings import get_embedder

                self._embedder = get_embedder()
        return self._embedder.embed(texts, batch_size=4)

    def screen_logit(self, text: str) -> float:
        return self.screen_bias + sum(self.screen_weights.get(f, 0.0) for f in lexical_features(text))

    def lexical(self, text: str, structure: list[float]) -> float:
        """The lexical stack's raw probability: screen + who the sentence is about + pattern strength.

        ``structure`` is :func:`structure` of the sentence.
        """
        z = self.lexical_bias + _dot(self.lexical_weights, [_clip(self.screen_logit(text)), *structure])
        return _sigmoid(z)

    def score(self, texts: list[str], structures: list[list[float]],
              anchors: list[int] | None = None) -> list[StereotypeScore]:
        """The full stack's raw probability (meaning + wording + referents) and nearest category.

        ``anchors`` are the group words' offsets in each text; the embedding reads a window there.
        """
        if not texts:
            return []
        vectors = self._embed([embedding_input(t, a) for t, a in zip(texts, anchors or [0] * len(texts),
                                                                     strict=True)])
        embed_logits = vectors @ self.weights + self.bias
        similarities = vectors @ self.centroids.T
        out = []
        for text, structure, embed_logit, row in zip(texts, structures, embed_logits, similarities, strict=True):
            z = self.stack_bias + _dot(self.stack_weights,
                                       [_clip(float(embed_logit)), _clip(self.screen_logit(text)), *structure])
            best = int(np.argmax(row))
            out.append(StereotypeScore(_sigmoid(z), self.centroid_categories[best], float(row[best])))
        return out

    def warm_up(self) -> None:
        self.score(["warm up"], [[0.0] * len(STRUCTURE_FEATURES)])


def _dot(weights: list[float], values: list[float]) -> float:
    return sum(w * v for w, v in zip(weights, values, strict=True))


def _clip(z: float) -> float:
    # The stack was fitted on logits of probabilities clipped to [1e-6, 1 - 1e-6].
    return max(min(z, 13.8155), -13.8155)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


_lock = threading.Lock()
_model: StereotypeModel | None = None


def get_model() -> StereotypeModel:
    global _model
    with _lock:
        if _model is None:
            _model = StereotypeModel()
        return _model

