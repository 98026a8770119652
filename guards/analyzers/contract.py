"""What a guard reads and what it answers, declared once per guard.

Each analyzer declares a :class:`GuardContract`: its payload fields (an OpenAPI 3.0 schema
per field, plus whether it is required and its default) and the fields of the ``data`` it
answers. The analyzer validates every payload with :meth:`PayloadSchema.validate`, and
the gateway publishes the same declaration in its OpenAPI schema and in
``/api/v1/guards/services``, so what is documented is exactly what is enforced.

Only the subset of OpenAPI schema keywords that :func:`schema_error` checks may be used
in a payload declaration (a test holds every guard to it). Pure: no Django, no DRF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CONTENT_TYPES = ("text", "code", "document")
CHECKED_KEYWORDS = frozenset({
    "type", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum", "items", "minItems",
    "maxItems", "properties", "required", "additionalProperties", "oneOf", "nullable", "description",
    "default", "example",
})
NOT_BLANK = r"\S"  # a pattern: at least one character that is not white space

SEVERITIES = ("info", "low", "medium", "high", "critical")


class PayloadError(ValueError):
    """The payload is not valid for this guard; the API answers 400 naming ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "array": "a list", "object": "an object"}


def _is_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    raise ValueError(f"unsupported schema type {kind!r}")


def schema_error(value: Any, schema: dict[str, Any]) -> str | None:
    """Why ``value`` breaks ``schema`` (the subset in :data:`CHECKED_KEYWORDS`), or None."""
    if value is None:
        return None if schema.get("nullable") else "Must not be null."
    if "oneOf" in schema:
        if not any(schema_error(value, option) is None for option in schema["oneOf"]):
            forms = " or ".join(_TYPE_NAMES.get(o.get("type", ""), "another form") for o in schema["oneOf"])
            return f"Must be {forms}" + (f" ({schema['description']})." if "description" in schema else ".")
        return None
    kind = schema.get("type")
    if kind is not None and not _is_type(value, kind):
        return f"Must be {_TYPE_NAMES[kind]}."
    if "enum" in schema and value not in schema["enum"]:
        return f"Must be one of: {', '.join(map(str, schema['enum']))}."
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return "Must not be empty." if schema["minLength"] == 1 else f"At least {schema['minLength']} characters."
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"At most {schema['maxLength']} characters."
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return "Must not be blank." if schema["pattern"] == NOT_BLANK else f"Must match {schema['pattern']}."
    if kind in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            return f"Must be at least {schema['minimum']}."
        if "maximum" in schema and value > schema["maximum"]:
            return f"Must be at most {schema['maximum']}."
    if isinstance(value, list):
        return _list_error(value, schema)
    if isinstance(value, dict):
        return _object_error(value, schema)
    return None


def _list_error(value: list[Any], schema: dict[str, Any]) -> str | None:
    if len(value) < schema.get("minItems", 0):
        return "Must not be empty." if schema["minItems"] == 1 else f"At least {schema['minItems']} items."
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return f"At most {schema['maxItems']} items."
    if "items" in schema:
        for index, item in enumerate(value):
            error = schema_error(item, schema["items"])
            if error is not None:
                return f"Item {index}: {error}"
    return None


def _object_error(value: dict[str, Any], schema: dict[str, Any]) -> str | None:
    properties = schema.get("properties", {})
    for name in schema.get("required", ()):
        if value.get(name) is None:
            return f"{name}: This field is required."
    if schema.get("additionalProperties") is False:
        unknown = sorted(set(value) - set(properties))
        if unknown:
            return f"Unknown keys: {', '.join(map(str, unknown))}."
    for name, sub in properties.items():
        if name in value:
            error = schema_error(value[name], sub)
            if error is not None:
                return f"{name}: {error}"
    return None


@dataclass(frozen=True, slots=True)
class PayloadField:
    """One payload field. Absent and ``null`` mean the same: the field is left out."""

    name: str
    schema: dict[str, Any]  # OpenAPI 3.0 schema of a given (non-null) value
    help: str = ""
    required: bool = False
    default: Any = None  # what the analyzer reads when the field is left out
    normalise: Callable[[Any], Any] | None = None  # after the schema check; may raise PayloadError

    def openapi(self) -> dict[str, Any]:
        out: dict[str, Any] = {**self.schema}
        if self.help:
            out["description"] = self.help
        if not self.required:
            out["nullable"] = True
        if self.default is not None:
            out["default"] = self.default
        return out


@dataclass(frozen=True, slots=True)
class PayloadSchema:
    """A guard's payload fields. Fields it does not declare are ignored (``/scan`` sends one
    payload to several guards), but every declared field is checked."""

    fields: tuple[PayloadField, ...]
    exactly_one_of: tuple[str, ...] = ()  # e.g. ("text", "messages"): one of them, never both
    help: str = ""

    def validate(self, payload: Any) -> dict[str, Any]:
        """``payload`` checked and cleaned, every declared field present (defaults filled in).

        Raises :class:`PayloadError` naming the first field that breaks the declaration.
        """
        if not isinstance(payload, dict):
            raise PayloadError("payload", "Must be a JSON object.")
        self._check_exactly_one(payload)
        cleaned = dict(payload)
        for spec in self.fields:
            value = payload.get(spec.name)
            if value is None:
                if spec.required:
                    raise PayloadError(spec.name, "This field is required.")
                cleaned[spec.name] = spec.default
                continue
            error = schema_error(value, spec.schema)
            if error is not None:
                raise PayloadError(spec.name, error)
            cleaned[spec.name] = spec.normalise(value) if spec.normalise else value
        return cleaned

    def _check_exactly_one(self, payload: dict[str, Any]) -> None:
        if not self.exactly_one_of:
            return
        given = [name for name in self.exactly_one_of if payload.get(name) is not None]
        if not given:
            raise PayloadError(self.exactly_one_of[0], "This field is required.")
        if len(given) > 1:
            names = " or ".join(self.exactly_one_of)
            raise PayloadError(given[-1], f"Send either {names}, not both.")

    def openapi(self, *, example: dict[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "properties": {spec.name: spec.openapi() for spec in self.fields},
            "additionalProperties": True,
        }
        required = [spec.name for spec in self.fields if spec.required]
        if required:
            out["required"] = required
        help_text = self.help
        if self.exactly_one_of:
            help_text = f"{help_text} Exactly one of: {', '.join(self.exactly_one_of)}.".strip()
        out["description"] = f"{help_text} Fields not listed here are ignored; null means left out.".strip()
        if example is not None:
            out["example"] = example
        return out

    def describe(self) -> dict[str, Any]:
        """Per-field summary for discovery (``/api/v1/guards/services``)."""
        return {spec.name: {"required": spec.required, **spec.openapi()} for spec in self.fields}


def text_field(name: str = "text", *, required: bool = True, help: str = "The text to analyse.") -> PayloadField:
    return PayloadField(name, {"type": "string"}, help=help, required=required)


CONTENT_TYPE = PayloadField("content_type", {"type": "string", "enum": list(CONTENT_TYPES)},
                            help="What the text is; some detectors read code and documents differently.",
                            default="text")

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
            **self.fields,
        }
        return {
            "type": "object", "description": self.help, "properties": properties,
            "required": ["decision", "score", "findings", "analyzer_version", *self.always],
            "additionalProperties": not self.closed,
        }


@dataclass(frozen=True, slots=True)
class GuardContract:
    """A guard's payload, its ``data`` and one worked example payload."""

    payload: PayloadSchema
    result: ResultSchema
    example: dict[str, Any] = field(default_factory=dict)


# The fields every guard reads alike: the gateway checks them before it routes a payload.
SHARED_PAYLOAD = PayloadSchema((text_field(required=False), text_field("output_text", required=False), CONTENT_TYPE))

# What an analyzer that declares nothing of its own reads and answers.
DEFAULT_CONTRACT = GuardContract(
    payload=PayloadSchema((text_field(), CONTENT_TYPE)),
    result=ResultSchema(("allow", "flag", "block"), {}, closed=False),
    example={"text": "Hello!"},
)
