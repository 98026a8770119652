"""Result declarations: the ``data`` a guard answers (the common fields and the guard's own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
NUMBER: dict[str, Any] = {"type": "number"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
UNIT: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def described(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {**schema, "description": text}


def array_of(items: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"type": "array", "items": items, **({"description": description} if description else {})}


def object_of(description: str = "", **properties: dict[str, Any]) -> dict[str, Any]:
    """An object with these known properties (others may appear: nested shapes may grow)."""
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if description:
        out["description"] = description
    return out


_SPAN = {"type": "integer", "nullable": True, "minimum": 0}
_RULE_REF: dict[str, Any] = {
    "type": "object", "nullable": True,
    "properties": {"id": {"type": "integer"}, "list": {"type": "string", "enum": ["allow", "block"]},
                   "kind": {"type": "string"}, "scope": {"type": "string"}},
}
# What the tenant's policy step made of the analyzer's answer (policy/services/apply.py).
POLICY_REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The tenant policy applied: mode, whether it was enforced, the config version in force, "
                   "the verdict enforcement takes, and whether the answer is degraded (fail-open).",
    "properties": {
        "mode": {"type": "string", "enum": ["enforce", "monitor", "off"]},
        "enforced": {"type": "boolean"}, "config_version": {"type": "integer"},
        "failure_policy": {"type": "string", "enum": ["fail_open", "fail_closed"]},
        "degraded": {"type": "boolean"},
        "degraded_reason": {"type": "object", "properties": {"code": {"type": "string"},
                                                            "message": {"type": "string"}}},
        "verdict": {"type": "string"}, "analyzer_decision": {"type": "string"},
        "suppressed": {"type": "integer", "minimum": 0},
    },
}
FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One thing the guard found; start/end are character offsets into the field named by source.",
    "properties": {
        "type": {"type": "string"}, "category": {"type": "string"},
        "severity": {"type": "string", "enum": list(SEVERITIES)},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "start": _SPAN, "end": _SPAN,
        "evidence": {"type": "string", "description": "A redacted excerpt, safe to log."},
        "message": {"type": "string"}, "source": {"type": "string"},
        "detail": {"type": "object", "additionalProperties": True},
        "start_utf16": {**_SPAN, "description": "start in UTF-16 code units (JavaScript string indexes)."},
        "end_utf16": _SPAN,
        "fingerprint": {"type": "string", "description": "Hash of the type and normalised evidence: what "
                        "tenant allowlists and feedback name (never the text itself)."},
        "suppressed_by": {**_RULE_REF, "description": "The tenant allow rule that suppressed this finding."},
        "blocked_by": {**_RULE_REF, "description": "The tenant block rule that raised this finding."},
    },
    "required": ["type", "category", "severity", "score", "start", "end", "evidence", "message", "source", "detail"],
}


@dataclass(frozen=True, slots=True)
class ResultSchema:
    """The guard's ``data``: the fields every guard answers plus the guard's own.

    ``fields`` maps each of the guard's own keys to its OpenAPI schema; ``always`` names
    those present in every answer (the others appear only in some, e.g. with ``optimize``).
    """

    decisions: tuple[str, ...]
    fields: dict[str, dict[str, Any]]
    always: tuple[str, ...] = ()
    help: str = ""
    closed: bool = True  # no keys beyond those declared (a test holds each guard to it)

    def openapi(self) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "decision": {"type": "string", "enum": list(self.decisions)},
            "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "Risk: higher is worse."},
            "findings": {"type": "array", "items": FINDING_SCHEMA},
            "analyzer_version": {"type": "string"},
            "sanitized_text": {"type": "string", "description": "The text with what was found replaced."},
            "timings_ms": {"type": "object", "additionalProperties": NUMBER},
            "policy": POLICY_REPORT_SCHEMA,
            **self.fields,
        }
        return {
            "type": "object", "description": self.help, "properties": properties,
            "required": ["decision", "score", "findings", "analyzer_version", *self.always],
            "additionalProperties": not self.closed,
        }
