"""Each guard's declared contract is what its analyzer enforces and what it answers."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator

from guards.analyzers.base import AnalyzerContext, PayloadError
from guards.analyzers.contextguard.memory import LocalSessionMemory
from guards.analyzers.contract import (
    CHECKED_KEYWORDS,
    NOT_BLANK,
    PayloadField,
    PayloadSchema,
    schema_error,
)
from guards.analyzers.registry import GUARD_NAMES, analyzer_class, get_analyzer

# Payloads beyond each guard's example, so optional parts of ``data`` are checked too.
MORE_PAYLOADS: dict[str, list[dict[str, Any]]] = {
    "tokenguard": [{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": None,
                                                                              "name": "ann"}], "optimize": True},
                   {"text": "word " * 50, "model": "an-unknown-model", "max_tokens": 10_000_000}],
    "trustguard": [{"output_text": "I don't know."}, {"text": "Is it 5?", "output_text": "It is definitely 7."}],
    "contextguard": [{"text": "   ", "session_id": "blank"}, {"text": "Now about tax law.", "session_id": "trip-lisbon-42",
                                                                "reset": True, "role": "assistant"}],
    "biasguard": [{"text": ""}, {"text": "Those idiots are all lazy.", "categories": "offensive"}],
    "securityguard": [{"text": "key AKIAZ3X7Q2M4N5P6R7S8 at http://bit.ly/x", "scan_level": "comprehensive",
                       "direction": "output", "content_type": "code"}, {"text": ""}],
    "healthguard": [{"text": "ok\x07", "output_text": None}],
}


def _run(guard: str, payload: dict[str, Any]) -> dict[str, Any]:
    analyzer = get_analyzer(guard)
    context = AnalyzerContext(memory=LocalSessionMemory(), session_id=None)
    return analyzer.analyze(payload, analyzer.settings_schema.effective({}), context).to_dict()


def _keywords(schema: Any) -> set[str]:
    if isinstance(schema, list):
        return set().union(*(_keywords(item) for item in schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key in ("items", "oneOf"):
        if key in schema:
            found |= _keywords(schema[key])
    for sub in schema.get("properties", {}).values():
        found |= _keywords(sub)
    return found


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_every_payload_declaration_uses_only_keywords_the_validator_checks(guard: str) -> None:
    for spec in analyzer_class(guard).contract.payload.fields:
        assert _keywords(spec.schema) <= CHECKED_KEYWORDS, spec.name


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_each_declared_field_is_enforced_by_the_analyzer_naming_the_field(guard: str) -> None:
    contract = analyzer_class(guard).contract
    for spec in contract.payload.fields:
        # No declared field takes a JSON object with this key, so every one must be refused.
        payload = {**contract.example, spec.name: {"not": "this"}}
        with pytest.raises(PayloadError) as refused:
            _run(guard, payload)
        assert refused.value.field == spec.name


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_required_fields_are_required_by_the_analyzer(guard: str) -> None:
    contract = analyzer_class(guard).contract
    for spec in contract.payload.fields:
        if spec.required:
            payload = {k: v for k, v in contract.example.items() if k != spec.name}
            with pytest.raises(PayloadError) as refused:
                _run(guard, payload)
            assert refused.value.field == spec.name


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_each_guards_data_matches_its_declared_result_schema(guard: str) -> None:
    contract = analyzer_class(guard).contract
    validator = OAS30Validator(contract.result.openapi())
    for payload in [contract.example, *MORE_PAYLOADS[guard]]:
        data = _run(guard, payload)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, (payload, errors)


def test_the_result_schema_refuses_keys_a_guard_does_not_declare() -> None:
    contract = analyzer_class("securityguard").contract
    data = _run("securityguard", contract.example)
    assert not list(OAS30Validator(contract.result.openapi()).iter_errors(data))
    assert list(OAS30Validator(contract.result.openapi()).iter_errors({**data, "surprise": 1}))


@pytest.mark.parametrize(("value", "schema", "error"), [
    (True, {"type": "integer"}, "Must be an integer."),
    (1.5, {"type": "integer"}, "Must be an integer."),
    (3, {"type": "number", "minimum": 5}, "Must be at least 5."),
    ("  ", {"type": "string", "pattern": NOT_BLANK}, "Must not be blank."),
    (None, {"type": "string"}, "Must not be null."),
    ("x", {"type": "string", "enum": ["a", "b"]}, "Must be one of: a, b."),
    ([{"role": "user", "tool": 1}], {"type": "array", "items": {"type": "object", "properties": {"role": {}},
                                                                 "additionalProperties": False}},
     "Item 0: Unknown keys: tool."),
    ([{"text": 3}], {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {
        "text": {"type": "string"}}}]}}, "Item 0: Must be a string or an object."),
    ({}, {"type": "object", "required": ["text"]}, "text: This field is required."),
])
def test_the_validator_explains_what_is_wrong(value: Any, schema: dict[str, Any], error: str) -> None:
    assert schema_error(value, schema) == error


def test_absent_and_null_fields_get_their_default_and_exactly_one_of_is_enforced() -> None:
    schema = PayloadSchema((PayloadField("a", {"type": "string"}), PayloadField("b", {"type": "string"}),
                            PayloadField("n", {"type": "integer"}, default=3)), exactly_one_of=("a", "b"))
    assert schema.validate({"a": "x", "b": None}) == {"a": "x", "b": None, "n": 3}
    for payload, field in (({}, "a"), ({"a": "x", "b": "y"}, "b"), ([], "payload")):
        with pytest.raises(PayloadError) as refused:
            schema.validate(payload)
        assert refused.value.field == field


def test_a_mutable_default_is_never_shared_between_payloads() -> None:
    schema = PayloadSchema((PayloadField("sources", {"type": "array"}, default=[]),))
    first = schema.validate({})
    first["sources"].append("changed by one call")
    assert schema.validate({})["sources"] == []
