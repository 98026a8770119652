"""SecurityGuard: injection, secrets, PII, hidden text and risky URLs in one pass, with redaction."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, ClassVar

from guards.analyzers.base import (
    Analyzer,
    AnalyzerContext,
    Finding,
    GuardResult,
)
from guards.analyzers.schema import Setting, SettingsSchema
from guards.analyzers.securityguard import injection, url_domains
from guards.analyzers.securityguard.calibrators import decision_for
from guards.analyzers.securityguard.contract import CONTRACT
from guards.analyzers.securityguard.injection_model import get_model
from guards.analyzers.securityguard.pii import ENTITIES, detect_pii
from guards.analyzers.securityguard.sanitizer import sanitize
from guards.analyzers.securityguard.secrets import detect_secrets
from guards.analyzers.securityguard.unicode_text import detect_invisible
from guards.analyzers.securityguard.urls import detect_urls

DETECTORS = ("injection", "secrets", "pii", "invisible", "urls")


class SecurityGuard(Analyzer):
    name = "securityguard"
    version = "1.0.0"
    description = (
        "Prompt injection and jailbreaks (rules over de-obfuscated text plus a learned n-gram model), "
        "secrets, PII, invisible and confusable characters, and risky URLs; findings with offsets and "
        "a sanitized text with typed placeholders."
    )
    contract = CONTRACT
    settings_schema: ClassVar[SettingsSchema] = SettingsSchema((
        Setting("flag_threshold", "float", 0.5,
                "Score from which a secret, PII or hidden-text finding makes the decision 'flag' (injection and "
                "URL findings use the thresholds calibrated for their type).", min=0.0, max=1.0),
        Setting("block_threshold", "float", 0.85,
                "Score from which a secret, PII or hidden-text finding makes the decision 'block'.", min=0.0, max=1.0),
        Setting("injection_threshold", "float", 0.0,
                "Calibrated injection probability from which injection is reported; 0 = the flag threshold "
                "chosen on tuning data for each kind of injection verdict.", min=0.0, max=0.99),
        Setting("detectors", "list", list(DETECTORS), "Detectors to run.", choices=DETECTORS, item_type="str"),
        Setting("pii_entities", "list", list(ENTITIES), "PII types to detect.", choices=ENTITIES, item_type="str"),
        Setting("blocked_domains", "list", [], "Domains (and their subdomains) reported as blocked URLs.",
                item_type="str"),
        Setting("redact", "bool", True, "Replace secrets and PII with placeholders in sanitized_text."),
    ))

    def warm_up(self) -> None:
        get_model()
        url_domains.index()

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        payload = self.contract.payload.validate(payload)
        text, content_type = payload["text"], payload["content_type"]
        scan_level, direction = payload["scan_level"], payload["direction"]
        thorough = scan_level == "comprehensive"
        enabled = set(settings["detectors"])

        findings: list[Finding] = []
        timings: dict[str, float] = {}
        injection_data: dict[str, Any] | None = None

        def timed(name: str, fn: Any) -> Any:
            t0 = time.perf_counter()
            result = fn()
            timings[name] = (time.perf_counter() - t0) * 1000
            return result

        if "invisible" in enabled:
            findings += timed("invisible", lambda: detect_invisible(text))
        if "secrets" in enabled:
            findings += timed("secrets", lambda: detect_secrets(text, entropy=thorough))
        if "pii" in enabled:
            findings += timed("pii", lambda: detect_pii(text, entities=settings["pii_entities"],
                                                        content_type=content_type))
        if "urls" in enabled:
            findings += timed("urls", lambda: detect_urls(text, blocked_domains=settings["blocked_domains"]))
        if "injection" in enabled and text.strip():
            verdict = timed("injection", lambda: injection.analyse(text, thorough=thorough))
            threshold = float(settings["injection_threshold"]) or verdict.flag_at
            found = injection.findings_for(text, verdict, threshold=threshold, direction=direction)
            findings += found
            injection_data = {
                "score": round(verdict.score, 4), "model_probability": round(verdict.model_probability, 4),
                "threshold": threshold, "detected": verdict.score >= threshold,
                "families": sorted({h.family for h in verdict.hits}), "obfuscation": verdict.obfuscations,
            }

        findings.sort(key=lambda f: (f.start or 0, f.end or 0, f.category))
        t0 = time.perf_counter()
        sanitized, placeholders = sanitize(text, findings, redact=bool(settings["redact"]))
        timings["sanitize"] = (time.perf_counter() - t0) * 1000

        risk = max((f.score for f in findings), default=0.0)
        decision = decision_for(findings, flag_at=settings["flag_threshold"], block_at=settings["block_threshold"])
        data: dict[str, Any] = {
            "risk_score": round(risk, 4),
            "placeholders": [p.to_dict() for p in placeholders],
            "counts": dict(Counter(f.category for f in findings)),
            "scan_level": scan_level, "direction": direction, "content_type": content_type,
        }
        if injection_data is not None:
            data["injection"] = injection_data
        return GuardResult(decision=decision, score=risk, findings=findings, sanitized_text=sanitized,
                           data=data, version=self.version, timings_ms=timings)
