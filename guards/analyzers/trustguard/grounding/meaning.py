"""Support by meaning (MiniLM) for claims worded unlike their sources, sparingly: it is the costly part.

A claim whose names, figures and polarity all agree with its best source sentence, yet
which uses words of its own ("was completed in 1889" for "was built from 1887 to 1889"),
is compared with that sentence by cosine; ``MeaningRule`` turns the cosine into support.
Embedding costs ~0.3 ms of CPU per word piece on one core, so only such claims are
embedded, each text is cut to ``EMBED_CHARS``, all texts of a request go in one batch,
and source sentences go through a process-wide cache (each is embedded once per request
at most, and rarely again: reference passages recur).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from guards.analyzers.trustguard.grounding.evidence import Evidence
from guards.analyzers.trustguard.grounding.features import ClaimSupport
from guards.analyzers.trustguard.grounding.model import GroundingModel, decided
from guards.analyzers.trustguard.text import Span, tokens

Embed = Callable[[list[str]], np.ndarray]

EMBED_CHARS = 120  # ~27 word pieces: a claim or source sentence longer than this is cut to a window
CHARS_PER_CLAIM = 256  # the budget's unit: one full-length claim and its source window (~60 word pieces)
_MIN_WINDOW = 64  # a short claim is compared with the stretch of its source sentence about as long as twice it


def source_window(claim: str) -> int:
    """How much of the source sentence a claim is compared with: short claims with a short stretch.

    MiniLM's cosine between "it rises 1,083 feet" and a whole sentence listing height,
    date and rank is dominated by what the claim does not talk about.
    """
    return min(EMBED_CHARS, max(_MIN_WINDOW, 2 * len(claim)))


class _VectorCache:
    """Process-wide LRU of sentence vectors: the same reference passages recur across requests."""

    def __init__(self, size: int = 4096) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get_many(self, texts: list[str], embed: Embed, *, keep: set[str] | frozenset[str] = frozenset()) -> np.ndarray:
        """Vectors of ``texts`` in one batch for the ones not cached; only ``keep`` texts are cached.

        Claims are not kept: an output rarely recurs, and it would push the sources out.
        """
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
                    if text in keep:
                        self._items[text] = vec
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return np.vstack([hits[t] for t in texts])


VECTOR_CACHE = _VectorCache()


def claims_to_embed(supports: list[ClaimSupport], model: GroundingModel, limit: float) -> list[ClaimSupport]:
    """The claims worth comparing by meaning, within ``limit`` full-length claims' worth of text.

    Worth it: lexically below the rule's ceiling, with a source sentence sharing some of its
    words, and no name, figure or polarity disagreeing with the sources (meaning cannot
    excuse those). A claim sharing no content word with any source sentence is not a
    paraphrase of one, and the whole reference cannot be embedded within the latency budget.
    When a claim already fails those checks, the output is unsupported whatever the others
    say, and none is embedded: meaning would cost most of the request's CPU time for nothing
    that changes the verdict.

    Embedding costs by the word piece, so the budget is text, not claims: ``limit`` claims
    of ``EMBED_CHARS`` each with a source window as long. Short claims ("it rises 330 m")
    cost less, so a short answer made of two paraphrased clauses gets both checked; a
    source sentence shared by several claims is paid for once. Nearest to a source first.
    """
    if model.meaning is None or limit <= 0 or any(decided(s) for s in supports):
        return []
    candidates = [s for s in supports if s.score < model.meaning.ceiling and s.evidence is not None]
    candidates.sort(key=lambda s: -s.features["sentence_coverage"])
    budget = limit * CHARS_PER_CLAIM
    chosen: list[ClaimSupport] = []
    paid: set[Span] = set()
    for s in candidates:
        source = s.evidence
        if source is None:
            continue
        window = min(len(source.text), source_window(s.claim.text))
        cost = min(len(s.claim.text), EMBED_CHARS) + (0 if source in paid else window)
        if cost > budget and chosen:
            continue
        chosen.append(s)
        paid.add(source)
        budget -= cost
    return chosen


def add_similarity(supports: list[ClaimSupport], evidence: Evidence, embed: Embed) -> None:
    """Set each claim's ``similarity`` feature: MiniLM cosine of the claim and its best source sentence.

    Every text of the request goes in one batch; a source sentence shared by several
    claims is embedded once.
    """
    plans: list[tuple[ClaimSupport, str, str]] = []
    for s in supports:
        if s.evidence is None:
            continue
        claim_stems = {t.stem for t in tokens(s.claim.text) if t.is_content or t.lower.isdigit()}
        source_stems = {t.stem for t in tokens(s.evidence.text) if t.is_content or t.lower.isdigit()}
        claim = with_subject(focus(s.claim.text, source_stems), s.evidence.text)
        plans.append((s, claim, focus(s.evidence.text, claim_stems, source_window(s.claim.text))))
    if not plans:
        return
    texts = [t for _s, claim, source in plans for t in (claim, source)]
    vectors = VECTOR_CACHE.get_many(texts, embed, keep={source for _s, _claim, source in plans})
    for i, (s, _claim, _source) in enumerate(plans):
        s.features["similarity"] = float(vectors[2 * i] @ vectors[2 * i + 1])


_PRONOUN_RE = re.compile(r"^(?:it|he|she|they|this|these)\b", re.IGNORECASE)
_SUBJECT_RE = re.compile(
    r"^((?:[^\s,;:]+\s+){1,5}?)(?:is|was|are|were|has|had|have|will|would|can|could|remains|stands)\b", re.IGNORECASE
)


def with_subject(claim: str, source: str) -> str:
    """``claim`` with a leading pronoun replaced by its source sentence's subject.

    "it rises about 1,083 feet" is a clause of a longer answer whose "it" MiniLM cannot
    resolve (cosine 0.57 with "The tower is 330 metres (1,083 feet) tall"); the claim was
    matched to that sentence, so it speaks of the same thing ("The tower rises ...": 0.81).
    A pronoun hides the subject from every check, so this assumes no more than they do.
    """
    pronoun = _PRONOUN_RE.match(claim)
    subject = _SUBJECT_RE.match(source)
    if not pronoun or not subject or _PRONOUN_RE.match(subject.group(1)):
        return claim
    return subject.group(1).strip() + claim[pronoun.end() :]


def focus(text: str, stems: frozenset[str] | set[str], limit: int = EMBED_CHARS) -> str:
    """The stretch of ``text`` of at most ``limit`` characters holding most words whose stem is in ``stems``.

    Cost grows with every word piece embedded, so a long source sentence is cut to the part
    the claim is about (and a long claim to the part its source sentence speaks of).
    """
    if len(text) <= limit:
        return text
    toks = tokens(text)
    if not toks:
        return text[:limit]
    hits = [t.stem in stems for t in toks]
    best, best_start, best_end = -1, 0, 0
    end = count = 0
    for start, first in enumerate(toks):
        if end < start:
            end, count = start, 0
        while end < len(toks) and toks[end].end - first.start <= limit:
            count += hits[end]
            end += 1
        if end > start:
            if count > best:
                best, best_start, best_end = count, first.start, toks[end - 1].end
            count -= hits[start]
    return text[best_start:best_end] if best_end > best_start else text[:limit]
