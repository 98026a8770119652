"""The bias categories biasguard reports, and validation of the payload's choice."""

from __future__ import annotations

from typing import Any

from guards.analyzers.contract import PayloadError, schema_error

GENDER = "gender"
RACE = "race_ethnicity"
RELIGION = "religion"
AGE = "age"
DISABILITY = "disability"
SEXUAL_ORIENTATION = "sexual_orientation"
NATIONALITY = "nationality"
SOCIOECONOMIC = "socioeconomic"
OFFENSIVE = "offensive"  # insults and profanity aimed at no particular group

BIAS_CATEGORIES: tuple[str, ...] = (
    GENDER, RACE, RELIGION, AGE, DISABILITY, SEXUAL_ORIENTATION, NATIONALITY, SOCIOECONOMIC,
)
CATEGORIES: tuple[str, ...] = (*BIAS_CATEGORIES, OFFENSIVE)

# Spellings clients send that mean the same category (CrowS-Pairs names among them).
_ALIASES = {
    "race": RACE, "ethnicity": RACE, "race-color": RACE, "race-ethnicity": RACE, "race_color": RACE,
    "sexual-orientation": SEXUAL_ORIENTATION, "sexual orientation": SEXUAL_ORIENTATION,
    "orientation": SEXUAL_ORIENTATION, "offensive_language": OFFENSIVE, "profanity": OFFENSIVE,
}


def normalise_category(name: str) -> str | None:
    """The canonical category for ``name``, or None when it is not one."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    return key if key in CATEGORIES else None


# Names may be canonical or aliases, in any case, so the schema lists them in words, not an enum.
CATEGORIES_SCHEMA: dict[str, Any] = {
    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
    "description": f"category names: {', '.join(CATEGORIES)}",
}


def categories_from(value: str | list[str]) -> set[str]:
    """The canonical categories ``value`` names; an unknown name is a client error (a typo
    would otherwise silently check nothing)."""
    names = [value] if isinstance(value, str) else value
    chosen = {normalise_category(name) for name in names}
    unknown = [name for name in names if normalise_category(name) is None]
    if unknown:
        raise PayloadError(
            "categories", f"Unknown categories {unknown!r}; choose from {list(CATEGORIES)!r}."
        )
    return {c for c in chosen if c is not None}


def payload_categories(payload: dict[str, Any]) -> set[str] | None:
    """The categories the payload asks for; None when it does not restrict them."""
    value = payload.get("categories")
    if value is None:
        return None
    error = schema_error(value, CATEGORIES_SCHEMA)
    if error is not None:
        raise PayloadError("categories", error)
    return categories_from(value)
