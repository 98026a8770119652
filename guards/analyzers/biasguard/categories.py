"""The bias categories biasguard reports, and validation of the payload's choice."""

from __future__ import annotations

from typing import Any

from guards.analyzers.base import PayloadError

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


def payload_categories(payload: dict[str, Any]) -> set[str] | None:
    """The categories the payload asks for; None when it does not restrict them.

    Unknown names are a client error (a typo would otherwise silently check nothing).
    """
    value = payload.get("categories")
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PayloadError("categories", "Must be a list of category names.")
    chosen: set[str] = set()
    unknown: list[str] = []
    for name in value:
        category = normalise_category(name)
        if category is None:
            unknown.append(name)
        else:
            chosen.add(category)
    if unknown:
        raise PayloadError(
            "categories", f"Unknown categories {unknown!r}; choose from {list(CATEGORIES)!r}."
        )
    if not chosen:
        raise PayloadError("categories", "Give at least one category, or leave the field out.")
    return chosen
