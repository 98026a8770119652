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
)
from guards.analyzers.biasguard import context as frames
from guards.analyzers.biasguard import lexicon, offensive, pronouns, statements, stereotypes
from guards.analyzers.biasguard.calibrators import get_calibrator
from guards.analyzers.biasguard.categories import (
    BIAS_CATEGORIES,
    CATEGORIES,
    GENDER,
    OFFENSIVE,
)
from guards.analyzers.biasguard.contract import CONTRACT
from guards.analyzers.biasguard.generalisations import Generalisation, GeneralisationPatterns
from guards.analyzers.biasguard.groups import get_groups
from guards.analyzers.biasguard.rewrite import neutral_text
from guards.analyzers.biasguard.scoring import decision_for, overall
from guards.analyzers.biasguard.text import sentences
from guards.analyzers.schema import Setting, SettingsSchema

DETECTORS = ("lexicon", "pronouns", "generalisations", "stereotypes", "offensive")


class BiasGuard(Analyzer):
    name: ClassVar[str] = "biasguard"
    version: ClassVar[str] = "2.0.0"
    description: ClassVar[str] = (
        "Biased or offensive language by category (gender, race/ethnicity, religion, age, disability, "
        "sexual orientation, nationality, socioeconomic), with spans, explanations and neutral alternatives."
    )
    contract = CONTRACT
    settings_schema: ClassVar[SettingsSchema] = SettingsSchema((
        Setting("flag_threshold", "float", 0.3, "Score at which the decision becomes flag.", min=0.0, max=1.0),
        Setting("block_threshold", "float", 0.8, "Score at which the decision becomes block.", min=0.0, max=1.0),
        Setting("categories", "list", list(CATEGORIES), "Categories checked for this tenant.",
                choices=CATEGORIES, item_type="str"),
        Setting("detectors", "list", list(DETECTORS), "Detectors that run.", choices=DETECTORS, item_type="str"),
        Setting("offensive_threshold", "float", 0.0,
                "Calibrated offensive-language probability that makes a finding "
                "(0 = the flag threshold calibrated on Davidson and ordinary text).", min=0.0, max=1.0),
        Setting("stereotype_threshold", "float", 0.0,
                "Calibrated probability from which a stereotype or generalisation is reported "
                "(0 = the flag threshold calibrated on the tuning data).", min=0.0, max=1.0),
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
        payload = self.contract.payload.validate(payload)
        text = payload["text"]
        categories = set(settings["categories"])
        requested = payload["categories"]
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
        exercise = frames.is_exercise(text)  # a maths word problem: its characters stand for no group

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
        timings["generalisations"] = _ms(started)

        if {"generalisations", "stereotypes"} & detectors and categories & set(BIAS_CATEGORIES):
            started = time.perf_counter()
            embed = settings["max_embedded_sentences"] if "stereotypes" in detectors else 0
            statement_findings, embedded = statements.scan(
                text, split, claims, quotes, get_groups(), masked=slur_spans, max_embedded=embed,
                threshold=settings["stereotype_threshold"], exercise=exercise)
            wanted = {"stereotype": "stereotypes", "generalisation": "generalisations"}
            findings += [f for f in statement_findings
                         if f.category in categories and wanted[f.type] in detectors]
            data["embedded_sentences"] = embedded
            timings["stereotypes"] = _ms(started)

        if "offensive" in detectors and OFFENSIVE in categories:
            started = time.perf_counter()
            probability, offensive_findings = offensive.scan(
                offensive.get_model(), text, split, slur_spans, settings["offensive_threshold"], exercise=exercise)
            findings += offensive_findings
            data["offensive_score"] = round(probability, 4)
            timings["offensive"] = _ms(started)

        return self._result(text, findings, settings, data, timings)

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
            decision=decision_for(findings, flag_at=settings["flag_threshold"], block_at=settings["block_threshold"],
                                  calibrator=get_calibrator),
            score=score, findings=findings, data=data, version=self.version, timings_ms=timings,
        )


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
