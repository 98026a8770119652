"""The payload validator: the subset of OpenAPI 3.0 schema keywords contracts may use, checked.

:func:`schema_error` explains in one sentence what breaks the schema, for the 400 a
client reads; a test holds every guard's declaration to :data:`CHECKED_KEYWORDS`.
"""

from __future__ import annotations

import re
from typing import Any

CHECKED_KEYWORDS = frozenset({
    "type", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum", "items", "minItems",
    "maxItems", "properties", "required", "additionalProperties", "oneOf", "nullable", "description",
    "default", "example",
})
NOT_BLANK = r"\S"  # a pattern: at least one character that is not white space


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
