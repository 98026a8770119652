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
_MASK = np.uint64(DIM - 1)
_MUL = np.uint64(0x100000001B3)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def _clip(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    head = MAX_CHARS * 3 // 4
    return text[:head] + " " + text[-(MAX_CHARS - head) :]


def _finalise(h: np.ndarray) -> np.ndarray:
    """Mix and mask ``h`` in place (it is a scratch array), as bucket indices."""
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    h &= _MASK
    return h.view(np.int64)  # masked below 2**18: the same numbers as int64


# Each n-gram hash starts from n * 0x9E3779B97F4A7C15; its first step multiplies that by
# _MUL, done here once (mod 2**64, as the array arithmetic wraps) instead of on a full array.
_CHAR_STARTS = {n: np.uint64((n * 0x9E3779B97F4A7C15 * 0x100000001B3) % (1 << 64)) for n in CHAR_NGRAMS}


def _char_buckets(text: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    out = []
    with np.errstate(over="ignore"):
        for n in CHAR_NGRAMS:
            if codes.size < n:
                continue
            m = codes.size - n + 1
            h = codes[:m] ^ _CHAR_STARTS[n]
            for k in range(1, n):
                h *= _MUL
                h ^= codes[k : m + k]
            out.append(_finalise(h))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _word_buckets(text: str) -> np.ndarray:
    words = _WORD_RE.findall(text)
    if not words:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    with np.errstate(over="ignore"):
        uni = ids * np.uint64(0xD6E8FEB86659FD93)
        uni += np.uint64(1)
        parts = [_finalise(uni)]
        if ids.size > 1:
            bi = ids[:-1] * _MUL
            bi ^= ids[1:] + np.uint64(0x632BE59BD9B4E019)
            parts.append(_finalise(bi))
    return np.concatenate(parts)


def _block(buckets: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    if buckets.size == 0:
        return buckets, np.zeros(0, dtype=np.float32)
    # np.unique(buckets, return_counts=True), without its general-purpose wrapping
    ordered = np.sort(buckets.astype(np.uint32))  # buckets are below 2**18: a narrower, faster sort
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    idx = ordered[first].astype(np.int64)
    starts = np.flatnonzero(first)
    counts = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = ordered.size - starts[-1]
    val = np.log1p(counts.astype(np.float32))
    val *= weight / float(np.linalg.norm(val))
    return idx, val


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Sparse feature vector of ``text`` as (indices, values); indices may repeat across blocks."""
    norm = " ".join(_clip(text).lower().split())  # whitespace runs as one space, none at the ends
    ci, cv = _block(_char_buckets(f" {norm} "), CHAR_WEIGHT)
    wi, wv = _block(_word_buckets(norm), WORD_WEIGHT)
    return np.concatenate([ci, wi]), np.concatenate([cv, wv])
