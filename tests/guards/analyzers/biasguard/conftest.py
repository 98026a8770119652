"""Shared helpers for the biasguard tests: one analyzer per test session."""

from __future__ import annotations

from typing import Any

import pytest

from guards.analyzers.base import AnalyzerContext, GuardResult
from guards.analyzers.biasguard import BiasGuard


@pytest.fixture(scope="session")
def guard() -> BiasGuard:
    return BiasGuard()


@pytest.fixture
def analyze(guard: BiasGuard):
    def run(text: str, *, settings: dict[str, Any] | None = None, **payload: Any) -> GuardResult:
        effective = guard.settings_schema.effective(settings or {})
        return guard.analyze({"text": text, **payload}, effective, AnalyzerContext())

    return run
