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


class SpinGuard(Analyzer):
    """Busy for ``seconds`` in a pure-Python loop: CPU-bound work a deadline must stop, unlike a sleep."""

    name = "spinguard"
    version = "0.0.1"
    settings_schema = SettingsSchema((Setting("seconds", "float", 3.0, min=0.0, max=60.0),))

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        import time

        text = self.contract.payload.validate(payload)["text"]
        end = time.monotonic() + settings["seconds"]
        rounds = 0
        while time.monotonic() < end:
            rounds += sum(1 for c in text[:64] if c.isalpha())
        return GuardResult(decision="allow", score=0.0, version=self.version, data={"rounds": rounds})


class BacktrackGuard(Analyzer):
    """Runs a catastrophically backtracking regular expression: one C call that holds the GIL for minutes."""

    name = "backtrackguard"
    version = "0.0.1"
    settings_schema = SettingsSchema(())

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        import re

        text = self.contract.payload.validate(payload)["text"]
        nested = re.match(r"(a+)+$", text.strip())  # on "aaa…ab" this explores 2**len paths
        return GuardResult(decision="flag" if nested else "allow", score=0.0, version=self.version)
