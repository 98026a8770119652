"""Run a guard's analyzer in this process (the gateway's default, every fallback, and the guard service)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from guards.analyzers.base import Analyzer, PayloadError
from guards.analyzers.registry import analyzer_class, get_analyzer
from guards.analyzers.schema import SettingsError, SettingsSchema
from guards.errors import GuardAnalyzerError, GuardFailure, GuardTimeout, GuardUnavailable, InvalidPayload
from guards.services.backends.types import GuardAnswer, GuardCall
from guards.services.budget import (
    Budget,
    analyzer_settings,
    input_budget_apply,
    result_mark_truncated,
    text_chars,
)
from guards.services.deadline import DeadlineExceeded, deadline_scope
from guards.services.isolation import isolated_analyze, isolation_applies

logger = logging.getLogger(__name__)


# A guard package that is absent, or present without its exported class, is not installed.
_NOT_INSTALLED = (ImportError, AttributeError)


def installed_analyzer_class(guard: str) -> type[Analyzer] | None:
    """The analyzer class of ``guard``, or None when its package is not installed here."""
    try:
        return analyzer_class(guard)
    except _NOT_INSTALLED:
        return None


def load_analyzer(guard: str) -> Analyzer:
    """The process's analyzer for ``guard``; a guard whose package is not installed is unavailable."""
    try:
        return get_analyzer(guard)
    except _NOT_INSTALLED:
        logger.warning("analyzer for %s cannot be imported", guard)
        raise GuardUnavailable(f"The {guard} analyzer is not available on this server.") from None


# Settings a schema validated, by the stored values' JSON: (schema, the validated settings).
_EFFECTIVE: dict[tuple[int, str], tuple[SettingsSchema, dict[str, Any]]] = {}
_EFFECTIVE_MAX = 1024


def effective_settings(schema: SettingsSchema, values: dict[str, Any]) -> dict[str, Any]:
    """``schema.effective(values)``, validated once per worker for the same stored values.

    A tenant's settings change only when its config is saved, yet they were validated and
    merged over the defaults on every call. The result is remembered by the values' JSON
    (sorted keys) and handed out as a fresh dict with fresh lists and dicts, as
    ``effective`` makes them, so an analyzer that changed its copy changes nothing else.
    Invalid settings are not remembered: they raise ``SettingsError`` every time.
    """
    try:
        key = (id(schema), json.dumps(values, sort_keys=True, separators=(",", ":")))
    except (TypeError, ValueError):  # not JSON (never from a stored config): validate as before
        return schema.effective(values)
    hit = _EFFECTIVE.get(key)
    if hit is None or hit[0] is not schema:
        if len(_EFFECTIVE) >= _EFFECTIVE_MAX:
            _EFFECTIVE.clear()
        hit = _EFFECTIVE[key] = (schema, schema.effective(values))
    return {name: list(v) if type(v) is list else dict(v) if type(v) is dict else v for name, v in hit[1].items()}


def run_inprocess(call: GuardCall) -> GuardAnswer:
    """Analyse ``call.payload`` here, within the input budget and before the call's deadline.

    Short texts run inline, stopped at the deadline in this thread; long ones in a child
    process killed at the deadline (``guards.services.isolation``). Analyzer crashes
    become a 502 ``guard_analyzer_error`` and a run past the deadline a 504
    ``guard_timeout`` (the analysis is stopped, not left running), never a 500.
    """
    analyzer = load_analyzer(call.guard)
    try:
        effective = effective_settings(analyzer.settings_schema, analyzer_settings(call.settings))
    except SettingsError as exc:
        # Validated when saved; a schema change since then must not be silently ignored.
        logger.error("stored settings of %s no longer validate: %s", call.guard, sorted(exc.errors))
        raise GuardAnalyzerError(f"The tenant's {call.guard} settings are invalid: {exc}") from None
    budget = Budget.of(call.guard, call.settings)
    payload, cuts = input_budget_apply(guard=call.guard, payload=call.payload, budget=budget)
    deadline = call.deadline if call.deadline is not None else time.monotonic() + call.timeout
    try:
        if isolation_applies(call.guard, text_chars(payload)):  # a long text: in a child the worker can kill
            data = isolated_analyze(lambda: analyzer.analyze(payload, effective, call.context), deadline=deadline)
        else:
            with deadline_scope(deadline):
                data = analyzer.analyze(payload, effective, call.context).to_dict()
    except DeadlineExceeded:
        raise GuardTimeout(f"{call.guard} did not finish within {call.timeout:g}s.") from None
    except PayloadError as exc:
        raise InvalidPayload.for_field(exc.field, exc.message) from None
    except GuardFailure:  # e.g. session memory unavailable (guards/stores.py): its own status
        raise
    except Exception:
        logger.exception("analyzer %s failed", call.guard)
        raise GuardAnalyzerError(f"The {call.guard} analyzer failed on this input.") from None
    return GuardAnswer(result_mark_truncated(data, cuts, budget))
