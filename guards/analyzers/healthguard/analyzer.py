"""healthguard: text integrity (encoding, controls, invisible characters, gibberish, loops,
truncation, language, size) and the health of the tenant's guard backends.

Mojibake, mixed encodings, gibberish, repetition loops and cut-off sentences carry
calibrated scores and decide by their type's fitted thresholds (:mod:`.calibrators`);
every other finding keeps its fixed score and the tenant's thresholds.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from guards.analyzers.base import (
    Analyzer,
    AnalyzerContext,
    Finding,
    GuardResult,
)
from guards.analyzers.healthguard import language as lang
from guards.analyzers.healthguard.backends import backend_report
from guards.analyzers.healthguard.calibrators import calibrate, decision_for
from guards.analyzers.healthguard.contract import CONTRACT
from guards.analyzers.healthguard.controls import control_findings, strip_controls
from guards.analyzers.healthguard.encoding import encoding_findings, repair
from guards.analyzers.healthguard.gibberish import gibberish_findings, load_model
from guards.analyzers.healthguard.invisible import invisible_findings, strip_invisible
from guards.analyzers.healthguard.repetition import repetition_findings
from guards.analyzers.healthguard.schema import SETTINGS
from guards.analyzers.healthguard.size import size_findings
from guards.analyzers.healthguard.truncation import truncation_findings

FIELDS = ("text", "output_text")
# English-trained letter model on confidently non-English Latin-script text: accept
# letter sequences this much less likely (log2 per letter) before calling them gibberish.
FOREIGN_LATIN_SLACK = 1.5


class HealthGuard(Analyzer):
    name = "healthguard"
    version = "1.2.0"
    description = (
        "Text integrity: mojibake and broken encodings, control and invisible characters, gibberish, "
        "repetition loops, truncated output, language and size limits; plus the tenant's backend health."
    )
    settings_schema = SETTINGS
    contract = CONTRACT

    def warm_up(self) -> None:
        load_model()
        lang.warm_up()

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        payload = self.contract.payload.validate(payload)
        texts = {"text": payload["text"]}
        if payload["output_text"] is not None:
            texts["output_text"] = payload["output_text"]
        enabled = set(settings["detectors"])
        timings: dict[str, float] = {}
        findings: list[Finding] = []
        fields: dict[str, Any] = {}
        repaired: dict[str, str] = {}

        def timed(name: str, fn: Callable[[], Any]) -> Any:
            started = time.perf_counter()
            try:
                return fn()
            finally:
                timings[name] = timings.get(name, 0.0) + (time.perf_counter() - started) * 1000

        for source, text in texts.items():
            info: dict[str, Any] = {
                "chars": len(text), "bytes": len(text.encode("utf-8", "surrogatepass")),
                "lines": text.count("\n") + 1 if text else 0,
            }
            if not text.strip():
                findings.append(Finding(type="empty_text", category="size", severity="info", score=0.0,
                                        start=0, end=len(text), evidence="", source=source,
                                        message="Nothing but whitespace to check."))
            mojibake = []
            if "encoding" in enabled:
                found, mojibake = timed("encoding", lambda t=text, s=source: encoding_findings(t, s))
                findings += found
                info["mojibake_runs"] = len(mojibake)
            if "control" in enabled:
                findings += timed("control", lambda t=text, s=source, m=mojibake: control_findings(
                    t, s, skip=[(f.start, f.end) for f in m]))
            if "invisible" in enabled:
                findings += timed("invisible", lambda t=text, s=source: invisible_findings(t, s))
            report = None
            if "language" in enabled or "gibberish" in enabled:
                report = timed("language", lambda t=text: lang.detect_language(t))
                info["language"] = report.to_dict()
                if "language" in enabled:
                    findings += _language_findings(report, text, source, settings)
            if "gibberish" in enabled:
                gib = timed("gibberish", lambda t=text, s=source, r=report: _gibberish(t, s, r))
                info["gibberish_ratio"] = round(gib.ratio, 4)
                if gib.ratio >= settings["gibberish_min_ratio"]:
                    findings += gib.findings
            if "repetition" in enabled:
                found, ratio = timed("repetition", lambda t=text, s=source: repetition_findings(
                    t, s, min_repeats=settings["min_loop_repeats"]))
                findings += found
                info["repetition_ratio"] = round(ratio, 4)
            if "truncation" in enabled:
                findings += timed("truncation", lambda t=text, s=source, m=mojibake: truncation_findings(
                    t, s, skip=[(f.start, f.end) for f in m]))
            if "size" in enabled:
                findings += timed("size", lambda t=text, s=source: size_findings(t, s, settings))
            fields[source] = info
            fixed = _repaired(text, mojibake, findings, source)
            if fixed != text:
                repaired[source] = fixed

        platform, platform_findings = timed("backends", lambda: backend_report(context.backend_health, settings))
        findings += platform_findings
        calibrate(findings)
        scored = [f for f in findings if f.category != "platform" or settings["platform_affects_decision"]]
        score = _combine(scored)
        uncalibrated = _combine([f for f in scored if "calibrator" not in f.detail])
        data: dict[str, Any] = {"fields": fields}
        if platform is not None:
            data["platform"] = platform
        if "output_text" in repaired:
            data["repaired_output_text"] = repaired["output_text"]
        findings.sort(key=lambda f: (FIELDS.index(f.source) if f.source in FIELDS else 2, f.start or 0))
        return GuardResult(
            decision=decision_for(scored, uncalibrated, flag_at=settings["flag_threshold"],
                                  block_at=settings["block_threshold"],
                                  calibrated_flag_at=settings["calibrated_flag_threshold"],
                                  calibrated_block_at=settings["calibrated_block_threshold"]),
            score=score, findings=findings, sanitized_text=repaired.get("text"), data=data,
            version=self.version, timings_ms=timings,
        )


def _gibberish(text: str, source: str, report: lang.LanguageReport | None) -> Any:
    model = load_model()
    if (report and report.language not in ("en", "und") and report.confidence >= 0.9
            and report.scripts.get("Latin", 0) >= 0.8):
        model = dataclasses.replace(model, word_threshold=model.word_threshold - FOREIGN_LATIN_SLACK)
    return gibberish_findings(text, source, model)


def _language_findings(report: lang.LanguageReport, text: str, source: str, settings: dict[str, Any]) -> list[Finding]:
    allowed = settings["allowed_languages"]
    if not allowed or report.language == "und" or report.confidence < settings["language_min_confidence"]:
        return []
    if report.language in allowed:
        return []
    return [Finding(
        type="language_not_allowed", category="language", severity="medium", score=0.7 * report.confidence,
        start=0, end=len(text), evidence=text[:40], source=source,
        message=f"Text is in {report.language!r} ({report.confidence:.0%}); allowed: {', '.join(allowed)}.",
        detail=report.to_dict(),
    )]


def _repaired(text: str, mojibake: list, findings: list[Finding], source: str) -> str:
    """``text`` with invisible runs dropped, mojibake fixed and control characters removed."""
    fixed = repair(text, mojibake) if mojibake else text
    if any(f.source == source and f.type == "invisible_characters" for f in findings):
        fixed = strip_invisible(fixed)
    if any(f.source == source and f.type in ("control_character", "ansi_escape") for f in findings):
        fixed = strip_controls(fixed)
    return fixed


def _combine(findings: list[Finding]) -> float:
    """Noisy-OR of each category's strongest finding: independent problems add up.

    With calibrated scores this is the chance that at least one of the categories found
    is a real problem, if the categories err independently.
    """
    strongest: dict[str, float] = {}
    for f in findings:
        strongest[f.category] = max(strongest.get(f.category, 0.0), float(f.score))
    remaining = 1.0
    for s in strongest.values():
        remaining *= 1.0 - min(1.0, max(0.0, s))
    return 1.0 - remaining

