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

from dataclasses import dataclass, field
from typing import Any

from guards.analyzers.contract.checks import CHECKED_KEYWORDS, NOT_BLANK, PayloadError, schema_error
from guards.analyzers.contract.payload import (
    CONTENT_TYPE,
    CONTENT_TYPES,
    SHARED_PAYLOAD,
    PayloadField,
    PayloadSchema,
    text_field,
)
from guards.analyzers.contract.result import (
    BOOLEAN,
    FINDING_SCHEMA,
    INTEGER,
    NUMBER,
    SEVERITIES,
    STRING,
    UNIT,
    ResultSchema,
    array_of,
    described,
    nullable,
    object_of,
)

__all__ = [
    "BOOLEAN", "CHECKED_KEYWORDS", "CONTENT_TYPE", "CONTENT_TYPES", "DEFAULT_CONTRACT", "FINDING_SCHEMA", "INTEGER",
    "NOT_BLANK", "NUMBER", "SEVERITIES", "SHARED_PAYLOAD", "STRING", "UNIT", "GuardContract", "PayloadError",
    "PayloadField", "PayloadSchema", "ResultSchema", "array_of", "described", "nullable", "object_of",
    "schema_error", "text_field",
]


@dataclass(frozen=True, slots=True)
class GuardContract:
    """A guard's payload, its ``data`` and one worked example payload."""

    payload: PayloadSchema
    result: ResultSchema
    example: dict[str, Any] = field(default_factory=dict)


# What an analyzer that declares nothing of its own reads and answers.
DEFAULT_CONTRACT = GuardContract(
    payload=PayloadSchema((text_field(), CONTENT_TYPE)),
    result=ResultSchema(("allow", "flag", "block"), {}, closed=False),
    example={"text": "Hello!"},
)
