"""BiasGuard: biased and offensive language by category, with spans and alternatives.

Five detectors, each in its own module, run over the same text and sentence split:
the term lexicon and slur list (:mod:`lexicon`), default gendered pronouns
(:mod:`pronouns`), generalisation patterns (:mod:`generalisations`), stereotype
similarity by embedding (:mod:`stereotypes`) and offensive language (:mod:`offensive`).
Claims are discounted when negated, quoted or reported (:mod:`context`).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from guards.analyzers.base import (
    Analyzer,
    AnalyzerContext,
    Finding,
    GuardResult,
    decide,
    require_text,
)
from guards.analyzers.biasguard import context as frames
from guards.analyzers.biasguard import lexicon, offensive, pronouns, stereotypes
from guards.analyzers.biasguard.categories import (
    BIAS_CATEGORIES,
    CATEGORIES,
    GENDER,
    OFFENSIVE,
    payload_categories,
)
from guards.analyzers.biasguard.generalisations import Generalisation, GeneralisationPatterns
from guards.analyzers.biasguard.groups import get_groups
from guards.analyzers.biasguard.rewrite import neutral_text
from guards.analyzers.biasguard.scoring import overall, severity_for
from guards.analyzers.biasguard.text import Span, excerpt, redact, sentences
from guards.analyzers.schema import Setting, SettingsSchema

DETECTORS = ("lexicon", "pronouns", "generalisations", "stereotypes", "offensive")
MIN_WORDS_TO_EMBED = 4
UNANCHORED_THRESHOLD = 0.85


class BiasGuard(Analyzer):
    name: ClassVar[str] = "biasguard"
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = (
        "Biased or offensive language by category (gender, race/ethnicity, religion, age, disability, "
        "sexual orientation, nationality, socioeconomic), with spans, explanations and neutral alternatives."
    )
    settings_schema: ClassVar[SettingsSchema] = SettingsSchema((
        Setting("flag_threshold", "float", 0.3, "Score at which the decision becomes flag.", min=0.0, max=1.0),
        Setting("block_threshold", "float", 0.8, "Score at which the decision becomes block.", min=0.0, max=1.0),
        Setting("categories", "list", list(CATEGORIES), "Categories checked for this tenant.",
                choices=CATEGORIES, item_type="str"),
        Setting("detectors", "list", list(DETECTORS), "Detectors that run.", choices=DETECTORS, item_type="str"),
        Setting("offensive_threshold", "float", 0.5,
                "Offensive-language probability that makes a finding (0.5 = tuned on Davidson).",
                min=0.0, max=1.0),
        Setting("stereotype_threshold", "float", 0.5,
                "Stereotype-model probability that makes a finding (0.5 = tuned on CrowS-Pairs).",
                min=0.0, max=1.0),
        Setting("max_findings", "int", 200,
                "Findings returned at most (the highest-scoring); the score uses them all.", min=1, max=5000),
        Setting("max_embedded_sentences", "int", 1,
                "Sentences per request the stereotype model reads (5-10 ms each on one core).", min=0, max=64),
    ))

    def __init__(self) -> None:
        self._patterns = GeneralisationPatterns(get_groups())

    def warm_up(self) -> None:
        lexicon.get_lexicon()
        offensive.get_model()
        stereotypes.get_model().warm_up()

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        text = require_text(payload, "text")
        categories = set(settings["categories"])
        requested = payload_categories(payload)
        if requested is not None:
            categories &= requested
        detectors = set(settings["detectors"])
        timings: dict[str, float] = {}
        findings: list[Finding] = []
        data: dict[str, Any] = {"checked_categories": [c for c in CATEGORIES if c in categories]}
        if not text.strip():
            return self._result(text, findings, settings, data, timings)

        split = sentences(text)
        quotes = frames.quoted_ranges(text)

        started = time.perf_counter()
        all_terms = lexicon.get_lexicon().scan(text, set(BIAS_CATEGORIES))
        slur_spans = [(f.start or 0, f.end or 0) for f in all_terms if f.type == "slur"]
        if "lexicon" in detectors:
            findings += [f for f in all_terms if f.category in categories]
        if "pronouns" in detectors and GENDER in categories:
            findings += pronouns.scan(text)
        timings["lexicon"] = _ms(started)

        started = time.perf_counter()
        claims: dict[int, list[Generalisation]] = {}
        if "generalisations" in detectors:
            for index, sentence in enumerate(split):
                claims[index] = self._patterns.scan(text, sentence, quotes)
                findings += [_claim_finding(text, g, slur_spans) for g in claims[index]
                             if g.category in categories]
        timings["generalisations"] = _ms(started)

        if "stereotypes" in detectors and categories & set(BIAS_CATEGORIES):
            started = time.perf_counter()
            stereotype_findings, embedded = self._stereotypes(text, split, claims, quotes, slur_spans, settings)
            findings += [f for f in stereotype_findings if f.category in categories]
            data["embedded_sentences"] = embedded
            timings["stereotypes"] = _ms(started)

        if "offensive" in detectors and OFFENSIVE in categories:
            started = time.perf_counter()
            probability, offensive_findings = offensive.scan(
                offensive.get_model(), text, split, slur_spans, settings["offensive_threshold"])
            findings += offensive_findings
            data["offensive_score"] = round(probability, 4)
            timings["offensive"] = _ms(started)

        return self._result(text, findings, settings, data, timings)

    def _stereotypes(self, text: str, split: list[Span], claims: dict[int, list[Generalisation]],
                     quotes: list[tuple[int, int]], slur_spans: list[tuple[int, int]],
                     settings: dict[str, Any]) -> tuple[list[Finding], int]:
        groups = get_groups()
        model = stereotypes.get_model()
        ranked: list[tuple[float, Span, int]] = []
        for index, sentence in enumerate(split):
            if claims.get(index) or len(sentence.value.split()) < MIN_WORDS_TO_EMBED:
                continue  # the pattern already reported this sentence's claim
            prior = model.screen(sentence.value)
            if prior < model.screen_threshold:
                continue  # does not read like a stereotype at all: not worth 5-10 ms of embedding
            identity = groups.first_identity(sentence.value)
            # The claim is anchored at its group word, else just after any framing words.
            anchor = (sentence.start + identity.start() if identity
                      else frames.claim_start(text, sentence.start, sentence.end))
            ranked.append((prior, sentence, anchor))
        ranked.sort(key=lambda item: item[0], reverse=True)
        candidates = [(sentence, anchor) for _, sentence, anchor in ranked[: settings["max_embedded_sentences"]]]
        if not candidates:
            return [], 0
        scores = model.score([s.value for s, _ in candidates], [a - s.start for s, a in candidates])
        out = []
        for (sentence, anchor), result in zip(candidates, scores, strict=True):
            if result.probability < _threshold(text, anchor, sentence, settings["stereotype_threshold"]):
                continue
            frame = frames.frame_of(text, anchor, sentence.end, sentence_start=sentence.start,
                                    sentence_end=sentence.end, quotes=quotes)
            mentions = groups.mentions(sentence.value)
            category = mentions[0].category if mentions else result.category
            score = result.probability * frame.factor
            out.append(Finding(
                type="stereotype", category=category, severity=severity_for(score), score=score,
                start=sentence.start, end=sentence.end,
                evidence=_evidence(text, sentence.start, sentence.end, slur_spans),
                message=_frame_message("Reads like a stereotype about a group", frame),
                detail={"detector": "stereotypes", "probability": round(result.probability, 4),
                        "context": frame.kind, "context_cue": frame.cue,
                        "nearest_category": result.category, "similarity": round(result.similarity, 4)},
            ))
        return out, len(candidates)

    def _result(self, text: str, findings: list[Finding], settings: dict[str, Any], data: dict[str, Any],
                timings: dict[str, float]) -> GuardResult:
        findings.sort(key=lambda f: (f.start if f.start is not None else -1, -f.score))
        score = overall(findings)
        by_category: dict[str, dict[str, Any]] = {}
        for finding in findings:
            entry = by_category.setdefault(finding.category, {"findings": 0, "score": 0.0})
            entry["findings"] += 1
            entry["score"] = round(max(entry["score"], finding.score), 4)
        data["categories"] = by_category
        rewritten = neutral_text(text, findings)
        if rewritten is not None:
            data["neutral_text"] = rewritten
        limit = settings["max_findings"]
        if len(findings) > limit:
            data["findings_omitted"] = len(findings) - limit
            kept = sorted(findings, key=lambda f: -f.score)[:limit]
            findings = sorted(kept, key=lambda f: (f.start if f.start is not None else -1, -f.score))
        return GuardResult(
            decision=decide(score, flag_at=settings["flag_threshold"], block_at=settings["block_threshold"]),
            score=score, findings=findings, data=data, version=self.version, timings_ms=timings,
        )


def _threshold(text: str, anchor: int, sentence: Span, threshold: float) -> float:
    """A sentence naming no group or identity needs stronger evidence to be a stereotype.

    The model learnt from CrowS-Pairs, where names stand in for groups; without a group
    word, "We hired Maria as our new engineer" is otherwise too close to those.
    """
    if get_groups().first_identity(text, anchor, sentence.end) is not None:
        return threshold
    return max(threshold, UNANCHORED_THRESHOLD)


def _claim_finding(text: str, claim: Generalisation, slur_spans: list[tuple[int, int]]) -> Finding:
    score = claim.score
    return Finding(
        type="generalisation", category=claim.category, severity=severity_for(score), score=score,
        start=claim.start, end=claim.end, evidence=_evidence(text, claim.start, claim.end, slur_spans),
        message=_frame_message(f"Sweeping claim about {claim.group.lower()} as a group", claim.frame),
        detail={"detector": "generalisations", "pattern": claim.reason, "group": claim.group,
                "context": claim.frame.kind, "context_cue": claim.frame.cue,
                "alternative": "Describe the specific people or evidence instead of the whole group."},
    )


def _frame_message(base: str, frame: frames.Frame) -> str:
    if frame.kind == frames.NEGATED:
        return f"{base}, but the sentence rejects it (\u201c{frame.cue.strip()}\u201d); scored low."
    if frame.kind == frames.QUOTED:
        return f"{base}, quoted rather than asserted; scored lower."
    if frame.kind == frames.REPORTED:
        return f"{base}, attributed to someone else (\u201c{frame.cue.strip()}\u201d); scored lower."
    return f"{base}."


def _evidence(text: str, start: int, end: int, slur_spans: list[tuple[int, int]]) -> str:
    """The span as evidence, with any slur inside it masked."""
    chars = list(text[start:end])
    for s_start, s_end in slur_spans:
        if start <= s_start and s_end <= end:
            chars[s_start - start:s_end - start] = redact(text[s_start:s_end])
    return excerpt("".join(chars), 0, len(chars))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
