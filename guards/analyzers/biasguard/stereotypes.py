"""Stereotype statements recognised by meaning, not wording.

A logistic model over MiniLM sentence embeddings, trained on CrowS-Pairs stereotype
sentences against ordinary conversational and encyclopaedic sentences
(``bench/train_biasguard_stereotypes.py``); only its weights and per-category
centroids are shipped (``data/stereotype_model.npz``), never the sentences.

Embedding costs ~5 ms a sentence on one core, so only sentences that name a group or
an identity are read, at most ``limit`` per request, those without a pattern match
first (the pattern already caught the others).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.biasguard.categories import BIAS_CATEGORIES

MODEL_PATH = Path(__file__).parent / "data" / "stereotype_model.npz"
MAX_CHARS = 300  # long sentences are cut: the claim is near the group mention


@dataclass(frozen=True, slots=True)
class StereotypeScore:
    probability: float
    category: str
    similarity: float  # cosine to that category's centroid


class StereotypeModel:
    def __init__(self, path: Path = MODEL_PATH) -> None:
        with np.load(path, allow_pickle=False) as data:
            self.weights = data["weights"].astype(np.float32)
            self.bias = float(data["bias"])
            self.threshold = float(data["threshold"])
            self.centroids = data["centroids"].astype(np.float32)
            self.centroid_categories = [str(c) for c in data["centroid_categories"]]
        unknown = set(self.centroid_categories) - set(BIAS_CATEGORIES)
        if unknown:
            raise ValueError(f"stereotype model has unknown categories {sorted(unknown)}")
        self._embedder = None
        self._lock = threading.Lock()

    def _embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._embedder is None:
                from guards.analyzers.embeddings import get_embedder

                self._embedder = get_embedder()
        return self._embedder.embed([t[:MAX_CHARS] for t in texts], batch_size=4)

    def score_vectors(self, vectors: np.ndarray) -> list[StereotypeScore]:
        logits = vectors @ self.weights + self.bias
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        similarities = vectors @ self.centroids.T
        out = []
        for probability, row in zip(probabilities, similarities, strict=True):
            best = int(np.argmax(row))
            out.append(StereotypeScore(float(probability), self.centroid_categories[best], float(row[best])))
        return out

    def score(self, texts: list[str]) -> list[StereotypeScore]:
        if not texts:
            return []
        return self.score_vectors(self._embed(texts))

    def warm_up(self) -> None:
        self.score(["warm up"])


_lock = threading.Lock()
_model: StereotypeModel | None = None


def get_model() -> StereotypeModel:
    global _model
    with _lock:
        if _model is None:
            _model = StereotypeModel()
        return _model
