"""Stereotype statements recognised by meaning, not wording.

A logistic model over MiniLM sentence embeddings, trained on CrowS-Pairs stereotype
sentences against ordinary conversational and encyclopaedic sentences
(``bench/train_biasguard_stereotypes.py``); only its weights and per-category
centroids are shipped (``data/stereotype_model.npz``), never the sentences.

The final probability stacks that model with a word and word-pair logistic screen
trained on the same split, which also decides which sentences are embedded at all:
embedding costs 5-10 ms a sentence on one core, so only sentences the screen
(microseconds; its threshold keeps 97 % of stereotypes out of fold) finds
stereotype-like are candidates, and at most ``max_embedded_sentences`` of them, highest
screen score first, are read.
Sentences a pattern already reported are skipped.
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


def lexical_features(text: str) -> set[str]:
    """Lower-cased words and adjacent word pairs: what the screen reads."""
    words = _TOKEN.findall(text.lower())
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


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
            self.screen_weights = dict(zip((str(v) for v in data["screen_vocabulary"]),
                                           data["screen_weights"].astype(float).tolist(), strict=True))
            self.screen_bias = float(data["screen_bias"])
            self.screen_threshold = float(data["screen_threshold"])
            self.stack_weights = data["stack_weights"].astype(float).tolist()
            self.stack_bias = float(data["stack_bias"])
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
        return self._embedder.embed(texts, batch_size=4)

    def screen_logit(self, text: str) -> float:
        return self.screen_bias + sum(self.screen_weights.get(f, 0.0) for f in lexical_features(text))

    def screen(self, text: str) -> float:
        """The cheap lexical model's probability that ``text`` is a stereotype statement."""
        return _sigmoid(self.screen_logit(text))

    def score(self, texts: list[str], anchors: list[int] | None = None) -> list[StereotypeScore]:
        """Stacked probability (meaning + wording) and nearest category for each text.

        ``anchors`` are the group words' offsets in each text; the embedding reads a window there.
        """
        if not texts:
            return []
        vectors = self._embed([embedding_input(t, a) for t, a in zip(texts, anchors or [0] * len(texts),
                                                                     strict=True)])
        embed_logits = vectors @ self.weights + self.bias
        similarities = vectors @ self.centroids.T
        out = []
        for text, embed_logit, row in zip(texts, embed_logits, similarities, strict=True):
            z = (self.stack_bias + self.stack_weights[0] * _clip(float(embed_logit))
                 + self.stack_weights[1] * _clip(self.screen_logit(text)))
            best = int(np.argmax(row))
            out.append(StereotypeScore(_sigmoid(z), self.centroid_categories[best], float(row[best])))
        return out

    def warm_up(self) -> None:
        self.score(["warm up"])


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
