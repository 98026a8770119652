"""Grounding: is each claim of the output supported by the sources (or by the prompt)?

Three kinds of evidence are combined by a small logistic model trained on HaluEval's
tuning split (``bench/train_trustguard_grounding.py``):

- lexical: which content words (stemmed) of the claim occur in the evidence, counting
  separately the words the claim adds beyond the question — restating the question
  proves nothing, the added words are what the answer asserts;
- entities and numbers: a name, number or date in the claim found nowhere in the
  evidence is the strongest single sign of an invented answer;
- meaning: MiniLM cosine between the claim and its best evidence sentences, computed only
  for claims the lexical view cannot settle (paraphrases), to stay within the latency
  budget; evidence sentences are embedded once per request and cached per process.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from guards.analyzers.trustguard.text import (
    Span,
    capitalised_words,
    names,
    number_values,
    numbers,
    sentences,
    tokens,
)

Embed = Callable[[list[str]], np.ndarray]
WEIGHTS_PATH = Path(__file__).parent / "data" / "grounding_weights.json"

LEXICAL_FEATURES = (
    "coverage",  # share of the claim's content stems found in the evidence
    "novel_coverage",  # same, over the stems the claim adds beyond the prompt
    "unsupported_words",  # log1p(added stems missing from the evidence, beyond a paraphrase allowance)
    "unsupported_names",  # share of the claim's names with a word missing from the evidence
    "unsupported_numbers",  # share of the claim's numbers missing from the evidence
    "sentence_coverage",  # coverage by the single best evidence sentence (locality)
    "phrase_coverage",  # share of the claim's content words found next to a neighbour as in the evidence
    "question_relevance",  # share of the question's words in the sentence backing the claim's own words
)
# + MiniLM cosine between what the claim adds beyond the prompt and its best evidence sentence.
FEATURES = (*LEXICAL_FEATURES, "similarity")


@dataclass(frozen=True, slots=True)
class EvidenceSentence:
    passage: int  # index into ``sources``; -1 for the prompt
    span: Span
    stems: frozenset[str]


@dataclass(slots=True)
class Evidence:
    """The reference material of one request, indexed once."""

    sentences: list[EvidenceSentence]
    stems: frozenset[str]
    numbers: frozenset[str]
    prompt_stems: frozenset[str]
    prompt_sentences: list[EvidenceSentence]  # empty when the prompt is itself the reference
    known_names: frozenset[str]  # words the reference writes capitalised mid-sentence
    from_prompt: bool  # no sources were given: the prompt is the reference
    pairs: frozenset[tuple[str, str]] = frozenset()  # adjacent content stems, in order
    by_stem: dict[str, list[int]] = field(default_factory=dict)  # stem -> sentences holding it

    def __post_init__(self) -> None:
        for i, item in enumerate(self.sentences):
            for s in item.stems:
                self.by_stem.setdefault(s, []).append(i)


_EVIDENCE_REACH = 3
ENTITY_CAP = 0.25  # most a claim naming an unknown name or figure can score
# A long sentence restating its sources uses some words of its own ("stands" for "is"):
# one missing word per this many content words is not counted against it.
_PARAPHRASE_EVERY = 6


def build_evidence(prompt: str, sources: list[str]) -> Evidence:
    """Index the sources (or the prompt when there are none) sentence by sentence."""
    from_prompt = not any(s.strip() for s in sources)
    passages = [(-1, prompt)] if from_prompt else list(enumerate(sources))
    items: list[EvidenceSentence] = []
    all_numbers: set[str] = set()
    for index, passage in passages:
        all_numbers |= number_values(passage)
        items.extend(_index_sentences(index, passage))
    all_stems = frozenset().union(*(item.stems for item in items))
    prompt_stems = frozenset(t.stem for t in tokens(prompt) if t.is_content)
    prompt_items = [] if from_prompt else _index_sentences(-1, prompt)
    known = capitalised_words("\n".join([prompt, *sources]))
    pairs = frozenset(p for item in items for p in content_pairs(item.span.text, reach=_EVIDENCE_REACH))
    return Evidence(items, all_stems, frozenset(all_numbers), prompt_stems, prompt_items, known, from_prompt, pairs)


def content_pairs(text: str, *, reach: int = 1) -> set[tuple[str, str]]:
    """Ordered content-stem pairs at most ``reach`` content words apart ("john brown").

    The evidence side uses a longer reach, so a claim that drops a word from a source
    phrase ("moved to Thursday" from "moved from Monday to Thursday") still matches.
    """
    stems = [t.stem for t in tokens(text) if t.is_content or t.lower.isdigit()]
    return {(a, b) for i, a in enumerate(stems) for b in stems[i + 1 : i + 1 + reach]}


def _index_sentences(index: int, passage: str) -> list[EvidenceSentence]:
    return [
        EvidenceSentence(
            index, sentence, frozenset(t.stem for t in tokens(sentence.text) if t.is_content or t.lower.isdigit())
        )
        for sentence in sentences(passage)
    ]


@dataclass(slots=True)
class ClaimSupport:
    """How well one claim is supported, with the passage that supports it best."""

    claim: Span
    score: float
    features: dict[str, float]
    passage: int | None = None
    evidence: Span | None = None
    missing_names: list[Span] = field(default_factory=list)
    missing_numbers: list[Span] = field(default_factory=list)
    missing_words: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Logistic:
    names: tuple[str, ...]
    weights: np.ndarray
    bias: float

    def __call__(self, features: dict[str, float]) -> float:
        x = np.array([features[name] for name in self.names], dtype=np.float64)
        return 1.0 / (1.0 + math.exp(-(float(x @ self.weights) + self.bias)))


@dataclass(frozen=True, slots=True)
class GroundingModel:
    """Two logistic models: lexical-only, and lexical + meaning for the claims it leaves open."""

    lexical: _Logistic
    full: _Logistic
    ambiguous: tuple[float, float]  # lexical score band where the embedding is consulted

    @classmethod
    def from_dict(cls, raw: dict) -> GroundingModel:
        lexical, full = raw["lexical"], raw["full"]
        if tuple(lexical["features"]) != LEXICAL_FEATURES or tuple(full["features"]) != FEATURES:
            raise ValueError("grounding weights were trained on other features; rerun the training script")
        return cls(
            _Logistic(LEXICAL_FEATURES, np.array(lexical["weights"], dtype=np.float64), float(lexical["bias"])),
            _Logistic(FEATURES, np.array(full["weights"], dtype=np.float64), float(full["bias"])),
            (float(raw["ambiguous"][0]), float(raw["ambiguous"][1])),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> GroundingModel:
        return cls.from_dict(json.loads(path.read_text()))

    @property
    def uses_meaning(self) -> bool:
        """False when training gave the embedding no weight: then it is not worth computing."""
        return bool(self.full.weights[FEATURES.index("similarity")] > 0)

    def score(self, support: ClaimSupport, *, with_meaning: bool = False) -> float:
        """The claim's support in [0, 1]; a name or figure absent from the reference caps it at ``ENTITY_CAP``.

        The cap is a rule, not a weight: however well the rest of the sentence matches,
        "founded in 1952" is not supported by a source that says 1934.
        """
        value = (self.full if with_meaning else self.lexical)(support.features)
        if support.missing_names or support.missing_numbers:
            value *= ENTITY_CAP  # scaled, not clipped: two such claims still rank by the rest
        return value


def claim_features(claim: Span, evidence: Evidence) -> tuple[dict[str, float], ClaimSupport]:
    """Lexical, entity and number features of one claim, and where its best evidence is."""
    claim_tokens = [t for t in tokens(claim.text, claim.start) if t.is_content]
    stems = {t.stem for t in claim_tokens}
    prompt = frozenset() if evidence.from_prompt else evidence.prompt_stems
    novel = stems - prompt
    found = stems & evidence.stems
    missing = sorted(novel - evidence.stems)
    coverage = len(found) / len(stems) if stems else 1.0
    novel_coverage = len(novel & evidence.stems) / len(novel) if novel else coverage

    claim_names = names(claim.text, claim.start, known=evidence.known_names)
    missing_names = [
        n for n in claim_names
        if any(t.stem not in evidence.stems for t in tokens(n.text) if t.is_content)
    ]
    claim_numbers = numbers(claim.text, claim.start)
    missing_numbers = [span for value, span in claim_numbers if value not in evidence.numbers]

    best, best_cov = None, 0.0
    weight = {s: (2.0 if s in novel else 1.0) for s in stems}
    total = sum(weight.values()) or 1.0
    scores: dict[int, float] = {}
    for s, w in weight.items():
        for i in evidence.by_stem.get(s, ()):
            scores[i] = scores.get(i, 0.0) + w
    if scores:
        index = max(scores, key=lambda i: (scores[i], -i))
        best, best_cov = evidence.sentences[index], scores[index] / total

    features = {
        "coverage": coverage,
        "novel_coverage": novel_coverage,
        "unsupported_words": math.log1p(max(0, len(missing) - len(stems) // _PARAPHRASE_EVERY)),
        "unsupported_names": len(missing_names) / len(claim_names) if claim_names else 0.0,
        "unsupported_numbers": len(missing_numbers) / len(claim_numbers) if claim_numbers else 0.0,
        "sentence_coverage": best_cov,
        "phrase_coverage": _phrase_coverage(claim.text, evidence, coverage),
        "question_relevance": _question_relevance(novel, evidence),
    }
    support = ClaimSupport(
        claim=claim,
        score=0.0,
        features=features,
        passage=best.passage if best else None,
        evidence=best.span if best else None,
        missing_names=missing_names,
        missing_numbers=missing_numbers,
        missing_words=missing,
    )
    return features, support


def _question_relevance(novel: set[str], evidence: Evidence) -> float:
    """How much of the question the sentence backing the claim's own words is about.

    Sources often name several candidates ("published by Dennis Publishing ... previously
    by John Brown Publishing"); the right one sits in the sentence that also matches the
    question. 1.0 when there is no separate question.
    """
    if evidence.from_prompt or not evidence.prompt_stems or not novel:
        return 1.0
    hits: dict[int, int] = {}
    for s in novel:
        for i in evidence.by_stem.get(s, ()):
            hits[i] = hits.get(i, 0) + 1
    if not hits:
        return 0.0
    top = max(hits.values())
    best = max(len(evidence.sentences[i].stems & evidence.prompt_stems) for i, n in hits.items() if n == top)
    return best / len(evidence.prompt_stems)


def _phrase_coverage(text: str, evidence: Evidence, coverage: float) -> float:
    """Words used in the sources' phrasing: "John Brown Publishing" yes, "the Singer and the Producer" no.

    A word counts when the pair with its left or right neighbour occurs in the evidence, so
    a claim fusing facts from several sentences only loses the words at the seams.
    """
    stems = [t.stem for t in tokens(text) if t.is_content or t.lower.isdigit()]
    if len(stems) < 2:
        return coverage  # a one-word claim: its phrase is its word
    linked = [(a, b) in evidence.pairs for a, b in itertools.pairwise(stems)]
    held = sum(
        (i > 0 and linked[i - 1]) or (i < len(linked) and linked[i])
        for i in range(len(stems))
    )
    return held / len(stems)


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


def ground_claims(
    claims: list[Span],
    evidence: Evidence,
    model: GroundingModel,
    *,
    embed: Embed | None = None,
    max_embedded_claims: int = 1,
) -> list[ClaimSupport]:
    """Score every claim; embeddings are used only for the claims lexical evidence leaves open.

    When a claim is already clearly unsupported, the output's verdict is settled and the
    open claims are left lexical: meaning could only move the score a little, at the cost
    of most of the request's CPU time.
    """
    results: list[ClaimSupport] = []
    for claim in claims:
        _features, support = claim_features(claim, evidence)
        support.score = model.score(support)
        results.append(support)
    if embed is None or not model.uses_meaning:
        return results
    open_claims = claims_to_embed(results, model, max_embedded_claims)
    add_similarity(open_claims, evidence, embed)
    for r in open_claims:
        r.score = model.score(r, with_meaning=True)
    return results


def claims_to_embed(supports: list[ClaimSupport], model: GroundingModel, limit: int) -> list[ClaimSupport]:
    """The claims worth comparing by meaning: not clearly supported, yet missing only words.

    A missing name or number is decisive and meaning cannot excuse it; when such a claim
    already sinks the output, the rest is left lexical to save the request's CPU time.
    The weakest claims go first: they weigh most in the output's score.
    """
    low, high = model.ambiguous
    if limit <= 0 or any(s.score < low and (s.missing_names or s.missing_numbers) for s in supports):
        return []
    candidates = [s for s in supports if s.score <= high and not s.missing_names and not s.missing_numbers]
    return sorted(candidates, key=lambda s: s.score)[:limit]


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


def grounding_score(supports: list[ClaimSupport]) -> float | None:
    """One figure for the whole output: half the weakest claim, half the length-weighted mean.

    The weakest claim matters most (one invented name spoils an answer), the mean keeps
    a long, mostly grounded answer from scoring like a wholly invented one. ``None`` when
    the output makes no checkable claim.
    """
    if not supports:
        return None
    weights = [max(1, len(s.claim.text)) for s in supports]
    mean = sum(w * s.score for w, s in zip(weights, supports, strict=True)) / sum(weights)
    return 0.5 * min(s.score for s in supports) + 0.5 * mean
