"""The per-guard input budget: how much text an analyzer reads, and what happens beyond it.

Every guard analyses at most ``max_analysed_chars`` characters per call, counted over its
text fields in a fixed order (``text``, ``output_text``, then the items of ``sources``
and ``messages``). The deployment sets the default (``GUARD_MAX_ANALYSED_CHARS``, with
per-guard values in ``GUARD_MAX_ANALYSED_CHARS_BY_GUARD``) and the policy
(``GUARD_OVERSIZE_POLICY``); a tenant's guard config may override both.

- ``truncate`` analyses the first characters only. The answer then carries one
  ``input_truncated`` finding per cut field (with the counts) and its decision is raised
  to at least ``flag``: an unanalysed tail must never pass as ``allow``. A
  ``sanitized_text`` covers the analysed part only, so nothing unscanned comes back as
  "sanitized".
- ``reject`` refuses the call with 413 ``input_too_large`` naming the field and the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings

from guards.analyzers.base import Analyzer, Finding
from guards.analyzers.schema import Setting, SettingsSchema
from guards.errors import InputOverBudget
from guards.services.verdicts import raise_to_flag

TRUNCATE, REJECT = "truncate", "reject"
MAX_CHARS, POLICY = "max_analysed_chars", "oversize_policy"
BUDGET_SETTINGS = (
    Setting(MAX_CHARS, "int", None, min=1,
            help="Characters of text this guard analyses per call (omit: the deployment's GUARD_MAX_ANALYSED_CHARS)."),
    Setting(POLICY, "str", None, choices=(TRUNCATE, REJECT),
            help="Beyond the budget: analyse the first part and flag (truncate) or refuse with 413 (reject)."),
)
_KEYS = frozenset(s.name for s in BUDGET_SETTINGS)
_TOP_FIELDS = ("text", "output_text")
_LIST_FIELDS = {"sources": "text", "messages": "content"}  # list field -> text key of its object items


def guard_settings_schema(cls: type[Analyzer]) -> SettingsSchema:
    """The analyzer's own settings plus the gateway's budget settings (what a tenant config may hold)."""
    return SettingsSchema(cls.settings_schema.settings + BUDGET_SETTINGS)


def analyzer_settings(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the budget keys: what the analyzer's own schema validates."""
    return {k: v for k, v in values.items() if k not in _KEYS}


@dataclass(frozen=True, slots=True)
class Budget:
    max_chars: int
    policy: str

    @classmethod
    def of(cls, guard: str, values: dict[str, Any]) -> Budget:
        """The budget of ``guard`` under a tenant's settings, defaulting to the deployment's."""
        default = django_settings.GUARD_MAX_ANALYSED_CHARS_BY_GUARD.get(guard, django_settings.GUARD_MAX_ANALYSED_CHARS)
        return cls(max_chars=int(values.get(MAX_CHARS) or default),
                   policy=str(values.get(POLICY) or django_settings.GUARD_OVERSIZE_POLICY))


@dataclass(frozen=True, slots=True)
class Cut:
    """One text field the budget shortened."""

    field: str
    analysed: int
    total: int


def _text_slots(payload: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(label, container, key) of each text string in budget order; malformed fields are the analyzer's to refuse."""
    slots: list[tuple[str, Any, Any]] = [(f, payload, f) for f in _TOP_FIELDS if isinstance(payload.get(f), str)]
    for name, text_key in _LIST_FIELDS.items():
        items = payload.get(name)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, str):
                slots.append((f"{name}[{i}]", items, i))
            elif isinstance(item, dict) and isinstance(item.get(text_key), str):
                slots.append((f"{name}[{i}].{text_key}", item, text_key))
    return slots


def text_chars(payload: dict[str, Any]) -> int:
    """Characters of text in ``payload`` as the budget counts them."""
    return sum(len(container[key]) for _, container, key in _text_slots(payload))


def input_budget_apply(*, guard: str, payload: dict[str, Any], budget: Budget) -> tuple[dict[str, Any], list[Cut]]:
    """The payload an analyzer may read and what was cut; raises 413 ``InputOverBudget`` under ``reject``.

    The caller's payload is not modified: shortened fields are copied.
    """
    slots = _text_slots(payload)
    total = sum(len(container[key]) for _, container, key in slots)
    if total <= budget.max_chars:
        return payload, []
    if budget.policy == REJECT:
        raise InputOverBudget.over(guard=guard, chars=total, limit=budget.max_chars)
    out = _copy_containers(payload)
    left, cuts = budget.max_chars, []
    for label, _, _ in slots:
        container, key = _locate(out, label)
        text = container[key]
        if len(text) > left:
            container[key] = text[:left]
            cuts.append(Cut(field=label, analysed=left, total=len(text)))
        left -= len(container[key])
    return out, cuts


def _copy_containers(payload: dict[str, Any]) -> dict[str, Any]:
    out = dict(payload)
    for name in _LIST_FIELDS:
        if isinstance(out.get(name), list):
            out[name] = [dict(item) if isinstance(item, dict) else item for item in out[name]]
    return out


def _locate(payload: dict[str, Any], label: str) -> tuple[Any, Any]:
    if label in _TOP_FIELDS:
        return payload, label
    name, _, rest = label.partition("[")
    index, _, key = rest.partition("]")
    items = payload[name]
    return (items, int(index)) if not key else (items[int(index)], key.lstrip("."))


def result_mark_truncated(result: dict[str, Any], cuts: list[Cut], budget: Budget) -> dict[str, Any]:
    """Say in a guard's result what was not analysed, and never let it read as ``allow``."""
    if not cuts:
        return result
    data = dict(result)
    findings = list(data.get("findings") or [])
    for cut in cuts:
        top = cut.field in _TOP_FIELDS
        findings.append(Finding(
            type="input_truncated", category="budget", severity="medium", score=0.5,
            start=cut.analysed if top else None, end=cut.total if top else None,
            source=cut.field if top else cut.field.partition("[")[0],
            message=(f"Only the first {cut.analysed} of {cut.total} characters of {cut.field} were analysed "
                     f"(max_analysed_chars={budget.max_chars})."),
            detail={"field": cut.field, "analysed_chars": cut.analysed, "total_chars": cut.total,
                    "max_analysed_chars": budget.max_chars},
        ).to_dict())
    data["findings"] = findings
    data["decision"] = raise_to_flag(str(data.get("decision") or ""))
    return data
