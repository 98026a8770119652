"""The strict request serializers copy their declared fields without DRF's per-request deep copy.

The cheaper copy must leave every field in the state DRF's own copy (a constructor call
on deep copies of the arguments) would, and independent of other serializer instances.
"""

from __future__ import annotations

import copy
import json
import math
from unittest import mock

import pytest
from rest_framework import fields as drf_fields

from guards.serializers import PayloadField, ProcessRequestSerializer, ScanRequestSerializer, StrictSerializer
from policy.serializers import FeedbackRequestSerializer, GuardPolicyInputSerializer, ListEntryInputSerializer

STRICT = [ProcessRequestSerializer, ScanRequestSerializer, FeedbackRequestSerializer, ListEntryInputSerializer,
          GuardPolicyInputSerializer]


def _state(field: drf_fields.Field) -> dict:
    """A field's attributes, comparable across copies (validators by type and arguments)."""
    # _creation_counter only orders declarations when the class is built; ours keeps the declaration's.
    skip = ("_validators", "parent", "child", "_kwargs", "_creation_counter")
    state = {k: v for k, v in vars(field).items() if k not in skip}
    state["validators"] = [(type(v), getattr(v, "limit_value", None)) for v in field.validators]
    return state


@pytest.mark.parametrize("serializer_class", STRICT, ids=lambda c: c.__name__)
def test_fields_match_drfs_deep_copy(serializer_class: type[StrictSerializer]) -> None:
    ours = serializer_class().fields
    drfs = copy.deepcopy(serializer_class._declared_fields)
    assert list(ours) == list(drfs)
    for name, field in ours.items():
        reference = drfs[name]
        reference.bind(field_name=name, parent=field.parent)
        assert type(field) is type(reference)
        assert _state(field) == _state(reference), name


def test_two_instances_share_no_field_state() -> None:
    first, second = ProcessRequestSerializer(), ProcessRequestSerializer()
    for name in ProcessRequestSerializer._declared_fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert first.fields[name].validators is not second.fields[name].validators
    first.fields["user_id"].validators.append(lambda value: None)
    assert len(second.fields["user_id"].validators) == len(ProcessRequestSerializer().fields["user_id"].validators)
    declared = ProcessRequestSerializer._declared_fields["user_id"]
    assert declared.parent is None and declared.field_name is None  # the declaration itself is never bound


def test_declared_fields_are_not_deep_copied_per_request() -> None:
    body = {"service_type": "tokenguard", "payload": {"text": "hello"}}
    with mock.patch.object(drf_fields.Field, "__deepcopy__", side_effect=AssertionError("deep copy")):
        serializer = ProcessRequestSerializer(data=body)
        assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["payload"]["text"] == "hello"


def test_parsed_payload_is_not_serialised_again_but_other_values_still_are() -> None:
    parsed = json.loads('{"text": "hi", "nested": [1, 2.5, {"a": null, "b": true}]}')
    with mock.patch("rest_framework.fields.json.dumps", side_effect=AssertionError("dumps")):
        assert PayloadField().to_internal_value(parsed) is parsed
    with mock.patch("rest_framework.fields.json.dumps", wraps=json.dumps) as dumps:
        PayloadField().to_internal_value({"text": "hi", "when": (1, 2)})  # a tuple: not what the parser builds
        PayloadField().to_internal_value({"text": "hi", "score": math.nan})
    assert dumps.call_count == 2
    with pytest.raises(Exception, match="valid JSON"):
        PayloadField().to_internal_value({"text": object()})
