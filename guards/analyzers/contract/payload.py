"""Payload declarations: the fields a guard reads, validated and documented from one place."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guards.analyzers.contract.checks import PayloadError, schema_error

CONTENT_TYPES = ("text", "code", "document")


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
                cleaned[spec.name] = copy.copy(spec.default)  # a list default is never shared
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

# The fields every guard reads alike: the gateway checks them before it routes a payload.
SHARED_PAYLOAD = PayloadSchema((text_field(required=False), text_field("output_text", required=False), CONTENT_TYPE))
