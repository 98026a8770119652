"""The plain /process request path answers exactly what ProcessRequestSerializer would, or nothing.

``process_request_plain`` may only return the serializer's own ``validated_data`` (same values,
defaults and key order); for anything the serializer refuses or changes it must return None, so
the serializer runs and words the error.
"""

from __future__ import annotations

import itertools
import random

import pytest

from guards.serializers import ProcessRequestSerializer, process_request_plain

BASE = {"service_type": "tokenguard", "payload": {"text": "Summarise this report.", "content_type": "text"}}

VALUES = {
    "service_type": ["tokenguard", "securityguard", "", " tokenguard", "tokenguard\n", "x" * 64, "x" * 65, 5, None,
                     "bad\x00name", "caf\u00e9", "a\ud800b", "nope"],
    "user_id": [None, "u-1", "", "  ", " u", "u" * 128, "u" * 129, 7, True, "a\x00", "\ud83d", "usér"],
    "session_id": [None, "s-1", "s:1.2_3", "", "s 1", "s" * 128, "s" * 129, 3, "s\u00e9"],
    "priority": [1, 10, 0, 11, 5, "low", "normal", "high", "critical", "urgent", "5", True, 5.0, None, -1],
    "timeout": [0.1, 0.09, 300, 301, 300.0, 300.5, 1, 0, 30.0, 5, "5", True, None, float("nan"), float("inf"),
                -1.0, 10**30, 10**400],
    "fallback_enabled": [True, False, 0, 1, "true", None],
    "client_type": ["api", "web", "vscode", "chrome", "cli", "", None, 1, "API"],
    "mode": [None, "enforce", "monitor", "off", "", 1],
    "payload": [{"text": "hello"}, {"text": "hello", "content_type": "code"}, {"text": ""}, {"text": 5}, {},
                {"text": "x", "content_type": "video"}, None, [], "text", {"text": "x", "extra": [1, {"a": None}]},
                {"text": "x", "output_text": "y"}, {"text": "x", "output_text": 3}, {"text": "x", 1: 2},
                {"text": "x", "n": float("nan")}, {"text": "a\ud800"}, {"text": "x", "content_type": None}],
}


def _serializer(data):
    serializer = ProcessRequestSerializer(data=data)
    if serializer.is_valid():
        return list(serializer.validated_data.items())
    return None


def _check(data):
    plain = process_request_plain(data)
    expected = _serializer(data)
    if plain is not None:
        assert expected is not None, f"plain path accepted what the serializer refuses: {data!r}"
        assert list(plain.items()) == expected, data
        for (_, a), (_, b) in zip(plain.items(), expected, strict=True):
            assert type(a) is type(b), (data, a, b)
    return plain, expected


@pytest.mark.parametrize("field", sorted(VALUES))
def test_every_value_of_each_field_matches_the_serializer(field):
    accepted = 0
    for value in VALUES[field]:
        plain, _ = _check({**BASE, field: value})
        accepted += plain is not None
    assert accepted, f"no value of {field} took the plain path"


def test_absent_optional_fields_take_the_serializers_defaults():
    plain, expected = _check(dict(BASE))
    assert plain is not None and list(plain.items()) == expected


@pytest.mark.parametrize("data", [
    None, [], "x", {}, {"service_type": "tokenguard"}, {"payload": {"text": "x"}},
    {**BASE, "fallback": True},  # an unknown key: the serializer's "Unknown field." error
    {**BASE, "text": "x"},
])
def test_what_the_serializer_refuses_is_left_to_it(data):
    plain, expected = _check(data)
    assert plain is None and expected is None


def test_random_combinations_match_the_serializer():
    rng = random.Random(16)
    fields = sorted(VALUES)
    plain_taken = 0
    for _ in range(1500):
        data = {}
        for field in fields:
            if (field in ("service_type", "payload") and rng.random() < 0.9) or rng.random() < 0.5:
                data[field] = rng.choice(VALUES[field])
        plain, _ = _check(data)
        plain_taken += plain is not None
    assert plain_taken > 20


def test_the_common_request_takes_the_plain_path():
    for combo in itertools.product(["api", "web"], [None, "monitor"], [1, "high"], [5, 2.5]):
        data = {**BASE, "client_type": combo[0], "mode": combo[1], "priority": combo[2], "timeout": combo[3]}
        plain, expected = _check(data)
        assert plain is not None and list(plain.items()) == expected
