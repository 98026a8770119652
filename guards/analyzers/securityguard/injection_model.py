"""The learned half of injection detection: a logistic model over hashed n-grams.

Weights are trained by ``bench/train_securityguard_injection.py`` and shipped as a
small ``.npz`` next to this module: numpy arrays only, no pickled estimator, so no
scikit-learn version lock-in at run time. Loaded once per process.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.securityguard import features

MODEL_PATH = Path(__file__).parent / "data" / "injection_model.npz"


class InjectionModelError(RuntimeError):
    """The shipped model file is missing or was built for other features."""


@dataclass(frozen=True, slots=True)
class InjectionModel:
    weights: np.ndarray  # (DIM,) float32 n-gram weights
    bias: float
    stack_coef: np.ndarray  # combiner weights, see combiner_features()
    stack_bias: float
    meta: dict

    def probability(self, text: str) -> float:
        """P(injection) from the n-gram model alone."""
        idx, val = features.featurize(text)
        z = float(np.dot(self.weights[idx], val)) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def combine(self, x: np.ndarray) -> float:
        """Calibrated P(injection) from the combiner features (model logit + rule families)."""
        z = float(np.dot(self.stack_coef, x)) + self.stack_bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def save_model(path: Path, *, weights: np.ndarray, bias: float, stack_coef: np.ndarray,
               stack_bias: float, meta: dict) -> str:
    """Write the model file and return its sha256 (the training script prints it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez_compressed(
            fh, weights=weights.astype(np.float16), bias=np.float64(bias),
            stack_coef=stack_coef.astype(np.float64), stack_bias=np.float64(stack_bias),
            meta=np.array(json.dumps(meta, sort_keys=True)),
        )
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_model(path: Path = MODEL_PATH) -> InjectionModel:
    if not path.exists():
        raise InjectionModelError(f"Injection model missing: {path} (run bench/train_securityguard_injection.py)")
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("dim") != features.DIM or meta.get("feature_version") != FEATURE_VERSION:
            raise InjectionModelError("Injection model was trained on different features; retrain it.")
        return InjectionModel(
            weights=data["weights"].astype(np.float32), bias=float(data["bias"]),
            stack_coef=data["stack_coef"].astype(np.float64), stack_bias=float(data["stack_bias"]),
            meta=meta,
        )


FEATURE_VERSION = 1  # bump when features.featurize changes; the model must then be retrained

_lock = threading.Lock()
_model: InjectionModel | None = None


def get_model() -> InjectionModel:
    """The process-wide model, loaded on first use (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = load_model()
    return _model
