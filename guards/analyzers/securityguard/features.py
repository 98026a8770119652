"""Hashed character and word n-gram features for the learned injection scorer.

Training (``bench/train_securityguard_injection.py``) and inference call the same
function, so the two can never drift apart; hashing is vectorised with numpy and
seeded explicitly (Python's ``hash`` is salted per process and would not do).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

DIM = 1 << 18
MAX_CHARS = 6000  # jailbreak prompts run to 12k chars; their head and tail carry the signal
CHAR_NGRAMS = (2, 3, 4, 5)
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 1.0

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")
_MASK = np.uint64(DIM - 1)
_MUL = np.uint64(0x100000001B3)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def _clip(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    head = MAX_CHARS * 3 // 4
    return text[:head] + " " + text[-(MAX_CHARS - head) :]


def _finalise(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(31))
    h = h * _MIX
    h = h ^ (h >> np.uint64(29))
    return (h & _MASK).astype(np.int64)


def _char_buckets(text: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    out = []
    with np.errstate(over="ignore"):
        for n in CHAR_NGRAMS:
            if codes.size < n:
                continue
            h = np.full(codes.size - n + 1, np.uint64(n) * np.uint64(0x9E3779B97F4A7C15))
            for k in range(n):
                h = (h * _MUL) ^ codes[k : codes.size - n + 1 + k]
            out.append(_finalise(h))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _word_buckets(text: str) -> np.ndarray:
    words = _WORD_RE.findall(text)
    if not words:
        return np.zeros(0, dtype=np.int64)
    ids = np.array([zlib.crc32(w.encode("utf-8")) for w in words], dtype=np.uint64)
    with np.errstate(over="ignore"):
        uni = ids * np.uint64(0xD6E8FEB86659FD93) + np.uint64(1)
        parts = [_finalise(uni)]
        if ids.size > 1:
            bi = (ids[:-1] * _MUL) ^ (ids[1:] + np.uint64(0x632BE59BD9B4E019))
            parts.append(_finalise(bi))
    return np.concatenate(parts)


def _block(buckets: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    if buckets.size == 0:
        return buckets, np.zeros(0, dtype=np.float32)
    idx, counts = np.unique(buckets, return_counts=True)
    val = np.log1p(counts.astype(np.float32))
    val *= weight / float(np.linalg.norm(val))
    return idx, val


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Sparse feature vector of ``text`` as (indices, values); indices may repeat across blocks."""
    norm = _SPACE_RE.sub(" ", _clip(text).lower()).strip()
    ci, cv = _block(_char_buckets(f" {norm} "), CHAR_WEIGHT)
    wi, wv = _block(_word_buckets(norm), WORD_WEIGHT)
    return np.concatenate([ci, wi]), np.concatenate([cv, wv])
