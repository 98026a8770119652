"""A small test-only analyzer: registered by the ``shoutguard`` fixture, never in production.

It really analyses its text (share of upper-case letters), so tests can steer its
decision with the input instead of faking results.
"""

from __future__ import annotations

from typing import Any

from guards.analyzers.base import Analyzer, AnalyzerContext, Finding, GuardResult, decide
from guards.analyzers.schema import Setting, SettingsSchema


class ShoutGuard(Analyzer):
    name = "shoutguard"
    version = "0.1.0"
    description = "Share of upper-case letters (test-only)."
    settings_schema = SettingsSchema((
        Setting("flag_threshold", "float", 0.5, min=0.0, max=1.0),
        Setting("block_threshold", "float", 0.9, min=0.0, max=1.0),
    ))

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        text = self.contract.payload.validate(payload)["text"]  # the default contract: text required
        letters = [c for c in text if c.isalpha()]
        score = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
        findings = [Finding("shouting", "style", "low", score, 0, len(text), text[:4], "Upper case")] if score else []
        return GuardResult(decision=decide(score, flag_at=settings["flag_threshold"],
                                           block_at=settings["block_threshold"]),
                           score=score, findings=findings, version=self.version,
                           data={"letters": len(letters), "tenant_key": context.tenant_key})


class BrokenGuard(Analyzer):
    """Crashes on every call, like a buggy analyzer would."""

    name = "brokenguard"
    version = "0.0.1"
    settings_schema = SettingsSchema(())

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        raise RuntimeError("boom with a secret sk-live-123")


class SleepyGuard(Analyzer):
    """Takes ``delay`` seconds: an in-process analyzer that cannot be interrupted."""

    name = "sleepyguard"
    version = "0.0.1"
    settings_schema = SettingsSchema((Setting("delay", "float", 1.5, min=0.0, max=5.0),))

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        import time

        time.sleep(settings["delay"])
        return GuardResult(decision="allow", score=0.0, version=self.version)
