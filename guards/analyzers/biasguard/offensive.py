"""Offensive language and insults: alt-profanity-check's model plus our own signals.

alt-profanity-check ships a TF-IDF + calibrated linear SVM. Calling its
``predict_prob`` costs ~8 ms (scikit-learn overhead across five calibrated folds), and
says nothing about *where* the profanity is. So its fitted parameters are read once
and applied here with numpy: same probabilities (checked in the tests), a fraction
of the time, and per-word contributions that give the finding its spans.

A small logistic model (``data/offensive_model.json``, trained by
``bench/train_biasguard_offensive.py``) then combines that probability with
second-person insult patterns and the slur list, which the profanity model, trained
mostly on profanity, under-weights; its output is calibrated (the ``offensive`` entry
of ``data/calibration.json``) on tweets *and* ordinary text, so that a word problem
about nuts is not "probably offensive".
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guards.analyzers.base import Finding
from guards.analyzers.biasguard.calibrators import get_calibrator
from guards.analyzers.biasguard.categories import OFFENSIVE
from guards.analyzers.biasguard.scoring import severity_for
from guards.analyzers.biasguard.text import Span, excerpt, fold, redact

MODEL_PATH = Path(__file__).parent / "data" / "offensive_model.json"
CALIBRATOR = "offensive"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the profanity vectorizer's token pattern
# A word counts as the offensive part of a sentence when it alone pushes the SVM this far
# (the model also leans on words like "women" or "bad" a little; those are not the insult).
WORD_CONTRIBUTION = 1.0
# A sentence whose score comes from many mildly weighted words and no single offensive
# one ("The supervisor ... noticed poorly executed injections", "I have a dog with my
# husband") must reach this calibrated probability to be a finding, above the lowest
# plateau of the offensive calibrator (0.18) that such sentences of ordinary text sit on.
# Chosen on the tuning halves: no Davidson tuning F1 lost (0.9735 -> 0.9736), WinoBias
# tuning flags 0.26 % -> 0, controls unchanged.
NO_WORD_FLOOR = 0.2
# In a quantitative exercise (``context.is_exercise``) the words the profanity model learnt
# from tweets are mostly literal ("kills 5 % of germs", "a bag of nuts", "12 balls"): there
# a finding not carried by an insult or slur needs "more likely than not". Davidson tuning
# F1 unchanged (its few tweets that read as exercises score higher or have insults).
EXERCISE_FLOOR = 0.5

_INSULT_WORDS = (
    r"idiots?|morons?|imbeciles?|losers?|bitch(?:es)?|bastards?|assholes?|dumbass(?:es)?|jackass(?:es)?|"
    r"dickheads?|dicks?|pricks?|cunts?|twats?|wankers?|scum(?:bags?)?|pigs?|retards?|freaks?|clowns?|"
    r"trash|garbage|worthless|pathetic|stupid|dumb|ugly|fat|useless|disgusting|whores?|sluts?|hoes?|"
    r"cowards?|creeps?|pieces?\s+of\s+(?:shit|crap|garbage|trash)|waste\s+of\s+(?:space|air)"
)
_INSULT = re.compile(
    r"\b(?:you(?:'re|\s+are|\s+r|\s+look\s+like|\s+sound\s+like)?|u\s+r|ur|your\s+(?:mom|mother)\s+is)\s+"
    r"(?:(?:a|an|such\s+a|such\s+an|the|so|a\s+total|a\s+fucking|a\s+complete|an\s+absolute|fucking|"
    r"really|just|nothing\s+but\s+a|one)\s+)*(?:\w+\s+)?(?:" + _INSULT_WORDS + r")\b"
    r"|\b(?:shut\s+(?:the\s+fuck\s+)?up|go\s+(?:to\s+hell|die|fuck\s+yourself)|kill\s+yourself|kys|"
    r"fuck\s+(?:you|off|u)|screw\s+you|stfu)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WordHit:
    start: int
    end: int
    contribution: float


class ProfanityModel:
    """alt-profanity-check's TF-IDF + calibrated SVM, evaluated with numpy."""

    def __init__(self) -> None:
        from profanity_check import profanity_check as pc  # loads the bundled joblib files

        vectorizer, model = pc.vectorizer, pc.model
        self._vocab: dict[str, int] = dict(vectorizer.vocabulary_)
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._stop = frozenset(vectorizer.get_stop_words() or ())
        folds = model.calibrated_classifiers_
        self._coef = np.vstack([c.estimator.coef_.ravel() for c in folds])  # (folds, vocab)
        self._intercept = np.array([float(c.estimator.intercept_[0]) for c in folds])
        self._a = np.array([c.calibrators[0].a_ for c in folds])
        self._b = np.array([c.calibrators[0].b_ for c in folds])
        self._mean_coef = self._coef.mean(axis=0)

    def score(self, text: str, offset: int = 0) -> tuple[float, list[WordHit]]:
        """Probability that ``text`` is offensive, and the words that make it so."""
        counts: dict[int, int] = {}
        positions: list[tuple[int, int, int]] = []
        for match in _TOKEN.finditer(text.lower()):
            word = match.group()
            index = self._vocab.get(word)
            if index is None or word in self._stop:
                continue
            counts[index] = counts.get(index, 0) + 1
            positions.append((index, match.start() + offset, match.end() + offset))
        if not counts:
            decision = self._intercept
            return float(self._calibrate(decision)), []
        indices = np.fromiter(counts, dtype=np.int64)
        weights = np.fromiter(counts.values(), dtype=np.float64) * self._idf[indices]
        weights /= np.linalg.norm(weights)
        decision = self._coef[:, indices] @ weights + self._intercept
        contribution = dict(zip(counts, weights * self._mean_coef[indices], strict=True))
        hits = [WordHit(s, e, float(contribution[i])) for i, s, e in positions
                if contribution[i] >= WORD_CONTRIBUTION]
        return float(self._calibrate(decision)), hits

    def _calibrate(self, decision: np.ndarray) -> float:
        # scikit-learn's sigmoid calibration, averaged over the folds like predict_proba.
        return float(np.mean(1.0 / (1.0 + np.exp(self._a * decision + self._b))))


@dataclass(frozen=True, slots=True)
class OffensiveSignals:
    """The features the combining model reads, for one text or sentence."""

    profanity: float
    insult: bool
    slur: bool

    def vector(self) -> list[float]:
        p = min(max(self.profanity, 1e-6), 1 - 1e-6)
        return [math.log(p / (1 - p)), float(self.insult), float(self.slur)]


class OffensiveModel:
    """Profanity probability + insult patterns + slurs -> one calibrated score."""

    def __init__(self, profanity: ProfanityModel, path: Path = MODEL_PATH) -> None:
        params = json.loads(path.read_text())
        self.profanity = profanity
        self.weights = [float(w) for w in params["weights"]]
        self.bias = float(params["bias"])
        self.calibrator = get_calibrator(CALIBRATOR)

    def raw(self, signals: OffensiveSignals) -> float:
        """The combiner's own probability (what the calibrator was fitted on)."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, signals.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def probability(self, signals: OffensiveSignals) -> float:
        """Calibrated probability that the text is offensive."""
        return self.calibrator(self.raw(signals))


def insults(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of second-person insults and abusive imperatives."""
    return [(m.start() + offset, m.end() + offset) for m in _INSULT.finditer(fold(text))]


def scan(model: OffensiveModel, text: str, sentences: list[Span], slur_spans: list[tuple[int, int]],
         threshold: float, *, exercise: bool = False) -> tuple[float, list[Finding]]:
    """The text's offensive-language probability and one finding per offensive sentence.

    The text's probability is the highest of the whole text's and its sentences', so a
    long, mostly polite text with one abusive sentence still scores high. ``threshold``
    0 means the calibrated flag threshold, raised to ``NO_WORD_FLOOR`` for a unit that no
    offensive word, insult or slur carries, and to ``EXERCISE_FLOOR`` for a unit with no
    insult or slur in a quantitative exercise (``exercise``).
    """
    cuts = _Cuts.of(threshold, model.calibrator.flag_at, exercise)
    units = sentences if len(sentences) > 1 else []
    whole = _assess(model, text, Span(0, len(text), text), slur_spans)
    best = whole[0]
    findings: list[Finding] = []
    for sentence in units:
        probability, words, insult_spans = _assess(model, text, sentence, slur_spans)
        best = max(best, probability)
        if probability >= cuts.needed(sentence, words, insult_spans, slur_spans):
            findings.append(_finding(text, sentence, probability, words, insult_spans, slur_spans))
    needed = cuts.needed(Span(0, len(text), text), whole[1], whole[2], slur_spans)
    if not units and whole[0] >= needed and text.strip():
        span = sentences[0] if sentences else Span(0, len(text), text)
        findings.append(_finding(text, span, whole[0], whole[1], whole[2], slur_spans))
    return best, findings


@dataclass(frozen=True, slots=True)
class _Cuts:
    """The probability a unit needs to be a finding, by what carries its score."""

    carried: float  # an insult or a slur
    worded: float  # an offensive word
    wordless: float  # only many mildly weighted words

    @classmethod
    def of(cls, threshold: float, flag_at: float, exercise: bool) -> _Cuts:
        if threshold:  # a tenant's own threshold applies to every unit; the floors refine only the default
            return cls(threshold, threshold, threshold)
        if exercise:
            return cls(flag_at, max(flag_at, EXERCISE_FLOOR), max(flag_at, EXERCISE_FLOOR))
        return cls(flag_at, flag_at, max(flag_at, NO_WORD_FLOOR))

    def needed(self, span: Span, words: list[WordHit], insult_spans: list[tuple[int, int]],
               slur_spans: list[tuple[int, int]]) -> float:
        if insult_spans or any(span.start <= s < span.end for s, _ in slur_spans):
            return self.carried
        return self.worded if words else self.wordless


def _assess(model: OffensiveModel, text: str, span: Span, slur_spans: list[tuple[int, int]]
            ) -> tuple[float, list[WordHit], list[tuple[int, int]]]:
    profanity, words = model.profanity.score(span.value, span.start)
    insult_spans = insults(span.value, span.start)
    has_slur = any(span.start <= s < span.end for s, _ in slur_spans)
    signals = OffensiveSignals(profanity, bool(insult_spans), has_slur)
    return model.probability(signals), words, insult_spans


def _finding(text: str, span: Span, probability: float, words: list[WordHit],
             insult_spans: list[tuple[int, int]], slur_spans: list[tuple[int, int]]) -> Finding:
    masked = list(text[span.start:span.end])
    for start, end in [(w.start, w.end) for w in words] + slur_spans:
        if span.start <= start and end <= span.end:
            masked[start - span.start:end - span.start] = redact(text[start:end])
    evidence = excerpt("".join(masked), 0, len(masked))
    kind = "insult" if insult_spans else "offensive_language"
    return Finding(
        type=kind, category=OFFENSIVE, severity=severity_for(probability), score=probability,
        start=span.start, end=span.end, evidence=evidence,
        message=("Insult aimed at the reader." if insult_spans else "Offensive or profane language."),
        detail={"detector": "offensive", "calibrator": CALIBRATOR, "words": [[w.start, w.end] for w in words],
                "insults": [list(s) for s in insult_spans]},
    )


_lock = threading.Lock()
_model: OffensiveModel | None = None


def get_model() -> OffensiveModel:
    """The process-wide model (loading the profanity model takes about a second)."""
    global _model
    with _lock:
        if _model is None:
            _model = OffensiveModel(ProfanityModel())
        return _model
