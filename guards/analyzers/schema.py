"""Declarative settings schemas for guards.

A tenant's guard configuration is a JSON object; the schema gives each key a type,
a default and a range, validates operator input (admin and API) and merges the
defaults in, so an analyzer always receives a complete, typed settings dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SettingsError(ValueError):
    """Settings failed validation; ``errors`` maps each key to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "list": (list,),
    "dict": (dict,),
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One configurable option of a guard."""

    name: str
    type: str
    default: Any
    help: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    item_type: str | None = None  # for lists: type of each item

    def validate(self, value: Any) -> Any:
        expected = _TYPES[self.type]
        # bool is an int subclass: refuse True where a number is wanted.
        if isinstance(value, bool) and self.type in ("int", "float"):
            raise ValueError(f"Expected {self.type}, got a boolean.")
        if not isinstance(value, expected):
            raise ValueError(f"Expected {self.type}, got {type(value).__name__}.")
        if self.type == "float":
            value = float(value)
        if self.min is not None and value < self.min:
            raise ValueError(f"Must be at least {self.min}.")
        if self.max is not None and value > self.max:
            raise ValueError(f"Must be at most {self.max}.")
        if self.choices is not None:
            items = value if self.type == "list" else [value]
            bad = [v for v in items if v not in self.choices]
            if bad:
                raise ValueError(f"Not allowed: {bad!r}; choose from {list(self.choices)!r}.")
        if self.type == "list" and self.item_type:
            item_types = _TYPES[self.item_type]
            wants_bool = self.item_type == "bool"
            for item in value:
                if not isinstance(item, item_types) or isinstance(item, bool) != wants_bool:
                    raise ValueError(f"Every item must be {self.item_type}.")
        return value

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "default": self.default}
        for key in ("help", "min", "max", "choices", "item_type"):
            val = getattr(self, key)
            if val not in (None, ""):
                out[key] = list(val) if isinstance(val, tuple) else val
        return out


@dataclass(frozen=True, slots=True)
class SettingsSchema:
    """The full set of options of a guard."""

    settings: tuple[Setting, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, Any]:
        return {s.name: _copy(s.default) for s in self.settings}

    def validate(self, values: dict[str, Any] | None, *, partial: bool = True) -> dict[str, Any]:
        """Validate ``values`` (unknown keys are errors) and return them cleaned.

        With ``partial`` (the stored form), only the given keys are returned; use
        :meth:`effective` to get them merged over the defaults.
        """
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise SettingsError({"settings": "Must be a JSON object."})
        by_name = {s.name: s for s in self.settings}
        errors: dict[str, str] = {}
        cleaned: dict[str, Any] = {}
        for key, value in values.items():
            setting = by_name.get(key)
            if setting is None:
                errors[key] = "Unknown setting."
                continue
            try:
                cleaned[key] = setting.validate(value)
            except ValueError as exc:
                errors[key] = str(exc)
        if errors:
            raise SettingsError(errors)
        if not partial:
            return {**self.defaults(), **cleaned}
        return cleaned

    def effective(self, values: dict[str, Any] | None) -> dict[str, Any]:
        """Defaults overlaid with the validated ``values``."""
        return self.validate(values, partial=False)

    def describe(self) -> dict[str, Any]:
        return {s.name: s.describe() for s in self.settings}


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
