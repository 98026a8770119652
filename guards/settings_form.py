"""A guard's settings schema as typed form fields (the admin's guard-config form).

One field per setting, named ``setting__<name>``: a number with the schema's range, a
choice, a yes/no, a list (checkboxes when the schema lists the choices, else one item
per line). Every field is optional: left empty, the key is not stored and the guard's
default applies (it is shown in the help and as the placeholder). Validation stays the
schema's (:func:`guards.services.config.guard_settings_validate`); these fields only
turn the posted strings into typed values.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms

from guards.analyzers.schema import Setting
from guards.services.backends.inprocess import installed_analyzer_class
from guards.services.budget import guard_settings_schema

PREFIX = "setting__"
_UNSET = ""


def settings_of(guard: str | None) -> tuple[Setting, ...]:
    """The settings a tenant's config of ``guard`` may hold (none when unknown or not installed)."""
    cls = installed_analyzer_class(guard) if guard else None
    return guard_settings_schema(cls).settings if cls is not None else ()


def field_name(setting: Setting) -> str:
    return PREFIX + setting.name


def _help(setting: Setting) -> str:
    parts = [setting.help] if setting.help else []
    default = "the deployment's" if setting.default is None else json.dumps(setting.default)
    parts.append(f"Default: {default}.")
    if setting.min is not None and setting.max is not None:
        parts.append(f"Range: {setting.min} … {setting.max}.")
    elif setting.min is not None:
        parts.append(f"Minimum: {setting.min}.")
    elif setting.max is not None:
        parts.append(f"Maximum: {setting.max}.")
    if setting.type == "list" and setting.choices:
        parts.append("Unchecking every box goes back to the default.")
    elif setting.type == "list":
        parts.append("One item per line; empty: the default.")
    return " ".join(parts)


def _yes_no(value: str) -> bool | str:
    return {"true": True, "false": False}.get(value, _UNSET)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


def setting_field(setting: Setting) -> forms.Field:
    """The form field of one setting; its cleaned value is the typed value or "" (not set)."""
    common: dict[str, Any] = {"required": False, "label": setting.name.replace("_", " "), "help_text": _help(setting)}
    placeholder = {"placeholder": "" if setting.default is None else str(setting.default)}
    if setting.type == "bool":
        default = "" if setting.default is None else (" (yes)" if setting.default else " (no)")
        return forms.TypedChoiceField(choices=[(_UNSET, f"Default{default}"), ("true", "Yes"), ("false", "No")],
                                      coerce=_yes_no, empty_value=_UNSET, **common)
    if setting.type in ("int", "float"):
        number = forms.IntegerField if setting.type == "int" else forms.FloatField
        bounds = {k: v for k, v in (("min", setting.min), ("max", setting.max)) if v is not None}
        # The range is shown (widget attributes); the schema refuses a value out of it, naming it.
        return number(widget=forms.NumberInput(attrs={**placeholder, "step": "any", **bounds}), **common)
    if setting.type == "str" and setting.choices:
        return forms.ChoiceField(choices=[(_UNSET, f"Default ({setting.default or 'deployment'})"),
                                          *[(c, c) for c in setting.choices]], **common)
    if setting.type == "list" and setting.choices:
        return forms.MultipleChoiceField(choices=[(c, c) for c in setting.choices],
                                         widget=forms.CheckboxSelectMultiple, **common)
    if setting.type == "list":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(widget=forms.TextInput(attrs=placeholder), **common)


def setting_initial(setting: Setting, stored: dict[str, Any]) -> Any:
    """What the field shows for the stored overrides."""
    if setting.name not in stored:
        # Checkboxes show what runs (the default); other fields stay empty with the default as placeholder.
        return list(setting.default or []) if setting.type == "list" and setting.choices else _UNSET
    value = stored[setting.name]
    if setting.type == "bool":
        return "true" if value else "false"
    if setting.type == "list" and not setting.choices and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value


def setting_value(setting: Setting, cleaned: Any) -> Any:
    """The override a posted field stands for, or ``_UNSET`` when the default should apply."""
    if cleaned in (None, _UNSET, []):
        return _UNSET
    if setting.type == "list" and isinstance(cleaned, str):
        return _lines(cleaned)
    return cleaned


def settings_fields(guard: str | None) -> dict[str, forms.Field]:
    return {field_name(s): setting_field(s) for s in settings_of(guard) if s.type != "dict"}


UNSET = _UNSET
