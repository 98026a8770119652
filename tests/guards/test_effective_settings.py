"""A tenant's guard settings are validated once per worker for the same stored values, not on every call."""

from __future__ import annotations

from unittest import mock

import pytest

from guards.analyzers.schema import Setting, SettingsError, SettingsSchema
from guards.services.backends import inprocess
from guards.services.backends.inprocess import effective_settings

SCHEMA = SettingsSchema(settings=(
    Setting("threshold", "float", 0.5, min=0.0, max=1.0),
    Setting("labels", "list", ["a"], choices=("a", "b", "c"), item_type="str"),
    Setting("strict", "bool", False),
))


@pytest.fixture(autouse=True)
def _empty_memo():
    inprocess._EFFECTIVE.clear()
    yield
    inprocess._EFFECTIVE.clear()


def test_same_values_validate_once_and_answer_what_effective_answers():
    values = {"threshold": 1, "labels": ["b", "c"]}
    with mock.patch.object(SettingsSchema, "effective", autospec=True, side_effect=SettingsSchema.effective) as spy:
        first = effective_settings(SCHEMA, values)
        second = effective_settings(SCHEMA, dict(values))
    assert spy.call_count == 1
    assert first == second == SCHEMA.effective(values) == {"threshold": 1.0, "labels": ["b", "c"], "strict": False}
    assert list(first) == list(SCHEMA.effective(values))  # key order too
    assert type(first["threshold"]) is float


def test_each_call_gets_its_own_dict_and_lists():
    first = effective_settings(SCHEMA, {})
    first["labels"].append("zzz")
    first["strict"] = True
    assert effective_settings(SCHEMA, {}) == {"threshold": 0.5, "labels": ["a"], "strict": False}


def test_different_values_are_told_apart():
    assert effective_settings(SCHEMA, {"strict": True})["strict"] is True
    assert effective_settings(SCHEMA, {"strict": False})["strict"] is False
    assert effective_settings(SCHEMA, {"threshold": 1})["threshold"] == 1.0


def test_invalid_settings_raise_every_time():
    for _ in range(2):
        with pytest.raises(SettingsError):
            effective_settings(SCHEMA, {"threshold": 2.0})
        with pytest.raises(SettingsError):
            effective_settings(SCHEMA, {"unknown": 1})


def test_another_schema_with_the_same_values_is_validated_by_itself():
    other = SettingsSchema(settings=(Setting("threshold", "float", 0.9, min=0.0, max=0.95),))
    assert effective_settings(SCHEMA, {"threshold": 0.99})["threshold"] == 0.99
    with pytest.raises(SettingsError):
        effective_settings(other, {"threshold": 0.99})
