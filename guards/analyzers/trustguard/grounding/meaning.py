"""Comparing claims with the evidence by meaning (MiniLM), sparingly: it is the costly part."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from guards.analyzers.trustguard.grounding.evidence import Evidence, EvidenceSentence
from guards.analyzers.trustguard.grounding.features import ClaimSupport
from guards.analyzers.trustguard.grounding.model import GroundingModel
from guards.analyzers.trustguard.text import tokens

Embed = Callable[[list[str]], np.ndarray]


class _VectorCache:
    """Process-wide LRU of sentence vectors: the same reference passages recur across requests."""

    def __init__(self, size: int = 4096) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get_many(self, texts: list[str], embed: Embed) -> np.ndarray:
        with self._lock:
            hits = {t: self._items[t] for t in texts if t in self._items}
            for t in hits:
                self._items.move_to_end(t)
        todo = [t for t in dict.fromkeys(texts) if t not in hits]
        if todo:
            vectors = embed(todo)
            with self._lock:
                for text, vec in zip(todo, vectors, strict=True):
                    hits[text] = vec
                    self._items[text] = vec
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return np.vstack([hits[t] for t in texts])


VECTOR_CACHE = _VectorCache()
# Embedding costs ~0.25 ms of CPU per word piece here, so a claim is compared by meaning with
# its single best lexical candidate, cut to a window around the words they share.
_EMBED_CHARS = 160
_WINDOW_LEAD = 40


def claims_to_embed(supports: list[ClaimSupport], model: GroundingModel, limit: int) -> list[ClaimSupport]:
    """The claims worth comparing by meaning: not clearly supported, yet missing only words.

    A missing name or number is decisive and meaning cannot excuse it; when such a claim
    already sinks the output, the rest is left lexical to save the request's CPU time.
    The weakest claims go first: they weigh most in the output's score.
    """
    low, high = model.ambiguous
    if limit <= 0 or any(s.score < low and _decided(s) for s in supports):
        return []
    candidates = [s for s in supports if s.score <= high and not _decided(s)]
    return sorted(candidates, key=lambda s: s.score)[:limit]


def _decided(s: ClaimSupport) -> bool:
    return bool(s.missing_names or s.missing_numbers or s.negates_source)


def add_similarity(supports: list[ClaimSupport], evidence: Evidence, embed: Embed) -> None:
    """Set each claim's ``similarity`` feature: MiniLM cosine of what the claim adds to its best source sentence.

    What the claim adds is its words outside the prompt, in order ("stands 330 metres tall"
    rather than the echoed question): an answer restating the question is close to the
    sources whatever it asserts. Texts go through a process-wide cache, so an evidence
    sentence is embedded at most once per request (and rarely again).
    """
    if not supports:
        return
    plans = []
    texts: list[str] = []
    for r in supports:
        claim_tokens = tokens(r.claim.text)
        stems = {t.stem for t in claim_tokens if t.is_content}
        best = _best_sentence(stems, evidence.sentences)
        added = [
            t.text for t in claim_tokens
            if (t.is_content or t.lower.isdigit()) and (evidence.from_prompt or t.stem not in evidence.prompt_stems)
        ]
        added_text = " ".join(dict.fromkeys(added)) or r.claim.text
        plans.append((best, len(texts)))
        texts.append(added_text[:_EMBED_CHARS])
        if best is not None:
            texts.append(_window(evidence.sentences[best].span.text, stems))
    vectors = VECTOR_CACHE.get_many(texts, embed)
    for r, (best, at) in zip(supports, plans, strict=True):
        r.features["similarity"] = 0.0 if best is None else float(vectors[at] @ vectors[at + 1])
        if best is not None and r.features["sentence_coverage"] < 1.0:
            r.passage = evidence.sentences[best].passage
            r.evidence = evidence.sentences[best].span


def _best_sentence(stems: set[str], items: list[EvidenceSentence]) -> int | None:
    if not items:
        return None
    return max(range(len(items)), key=lambda i: len(stems & items[i].stems))


def _window(text: str, stems: set[str]) -> str:
    """At most ``_EMBED_CHARS`` of ``text``, starting a little before the first shared word."""
    if len(text) <= _EMBED_CHARS:
        return text
    first = next((t.start for t in tokens(text) if t.stem in stems), 0)
    start = max(0, first - _WINDOW_LEAD)
    return text[start : start + _EMBED_CHARS]


