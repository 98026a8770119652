"""Input and output shapes of the guard API (the seeds' contract), validated strictly.

Unknown top-level fields are errors rather than silently ignored: a typo in
``fallback_enabled`` must not quietly change what the gateway does. Types are strict
too: a string is a JSON string, a number a JSON number and a flag a JSON boolean, so
``"timeout": "5"`` or ``"text": 5`` is a 400 on every endpoint rather than coerced on some.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aiguardian.openapi import ErrorSerializer
from guards.analyzers.contract import CONTENT_TYPES, SHARED_PAYLOAD, PayloadError
from guards.analyzers.registry import GUARDS

CLIENT_TYPES = ("web", "vscode", "chrome", "api")
_SESSION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


# The seeds' clients send names; integers 1-10 are accepted too (higher is more urgent).
PRIORITY_NAMES = {"low": 1, "normal": 5, "high": 8, "critical": 10}


class StrictCharField(serializers.CharField):
    """A JSON string: DRF's CharField would turn ``5`` into ``"5"``."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean: DRF's BooleanField would take ``"yes"`` or ``0``."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictFloatField(serializers.FloatField):
    """A finite JSON number: not a string, not a boolean."""

    def to_internal_value(self, data: Any) -> float:
        try:
            finite = not isinstance(data, bool) and isinstance(data, int | float) and math.isfinite(data)
        except OverflowError:  # an integer too large for a float
            finite = False
        if not finite:
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 1, "maximum": 10},
                                {"type": "string", "enum": list(PRIORITY_NAMES)}],
                      "description": "1-10 (higher is more urgent) or low=1, normal=5, high=8, critical=10."})
class PriorityField(serializers.IntegerField):
    """An integer 1-10 or one of the seeds' names (stored as its integer)."""

    default_error_messages = {"invalid": f"An integer 1-10 or one of: {', '.join(PRIORITY_NAMES)}."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and data in PRIORITY_NAMES:
            return PRIORITY_NAMES[data]
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "enum": list(GUARDS), "description": "The guard to run (404 unknown_guard "
                      "for any other name)."})
class ServiceTypeField(StrictCharField):
    """A guard name; an unknown one is the view's 404, so the field itself takes any string."""


@extend_schema_field({"type": "object", "additionalProperties": True,
                      "properties": {"text": {"type": "string"},
                                     "content_type": {"type": "string", "enum": list(CONTENT_TYPES)},
                                     "output_text": {"type": "string"}},
                      "description": "Extra guard fields; each guard's own are in its <Guard>Payload schema."})
class PayloadField(serializers.JSONField):
    """The guard payload: an object, checked by :func:`validate_payload_object`, then by the guard's
    declared contract (guards/openapi.py documents each guard's variant)."""

    def to_internal_value(self, data: Any) -> Any:
        # DRF's JSONField proves the value serialisable by serialising it (json.dumps of the whole
        # payload on every request). A value the JSON parser produced always is; anything else is
        # still checked.
        if _plain_json(data):
            return data
        return super().to_internal_value(data)


_SCALARS = (str, int, float, bool, type(None))


def _plain_json(value: Any) -> bool:
    """True for a dict whose values are JSON scalars, or lists/dicts of them, as the parser builds them."""
    if type(value) is not dict:
        return False
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            if any(type(key) is not str for key in item):
                return False
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
        elif type(item) not in _SCALARS or (type(item) is float and not math.isfinite(item)):
            return False
    return True


def _field_copy(field: serializers.Field) -> serializers.Field:
    """An unbound copy of a declared field, in the state its constructor left it.

    DRF deep-copies a serializer's declared fields for every instance, re-running each
    field's constructor on deep copies of its arguments. Nothing a plain field holds is
    changed after construction except by ``bind`` (which sets new attributes on the copy),
    so a copy of its attributes is as independent; its validator list is copied too.
    Fields that hold other fields (``child``, nested serializers) still get DRF's deep copy.
    """
    if hasattr(field, "child") or isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    if "_validators" in field.__dict__:
        clone._validators = list(field._validators)
    return clone


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not declare."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # Instead of DRF's deep copy, which was most of this serializer's cost per request.
        return {name: _field_copy(field) for name, field in self._declared_fields.items()}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return attrs


def validate_payload_object(value: Any) -> dict[str, Any]:
    """The payload is a JSON object whose shared fields (text, output_text, content_type) are valid,
    by the same declaration every guard's contract uses; the guard checks its own fields."""
    try:
        cleaned = SHARED_PAYLOAD.validate(value)
    except PayloadError as exc:
        if exc.field == "payload":
            raise serializers.ValidationError(exc.message) from None
        raise serializers.ValidationError({exc.field: [exc.message]}) from None
    return {**value, "content_type": cleaned["content_type"]}


def validate_session_id(value: str | None) -> str | None:
    if value is not None and not _SESSION_ID.match(value):
        raise serializers.ValidationError("1-128 characters from A-Z a-z 0-9 . _ : -")
    return value


class _CallOptions(StrictSerializer):
    user_id = StrictCharField(max_length=128, required=False, allow_null=True, default=None)
    session_id = StrictCharField(max_length=128, required=False, allow_null=True, default=None,
                                 validators=[validate_session_id])
    priority = PriorityField(min_value=1, max_value=10, default=1)
    timeout = StrictFloatField(min_value=0.1, max_value=300, default=30.0,
                               help_text="Seconds (a number); capped by the backend's own timeout.")
    fallback_enabled = StrictBooleanField(default=True,
                                          help_text="Let the in-process analyzer answer if the backend fails.")
    client_type = serializers.ChoiceField(choices=CLIENT_TYPES, default="api")
    mode = serializers.ChoiceField(
        choices=("enforce", "monitor"), required=False, allow_null=True, default=None,
        help_text='"monitor": a dry run (report what enforcement would decide, never block). Relaxing a guard '
                  "the tenant enforces needs a key with the policy_dry_run scope (else 403 policy_scope_required).",
    )


class ProcessRequestSerializer(_CallOptions):
    service_type = ServiceTypeField(max_length=64)
    payload = PayloadField()

    def validate_payload(self, value: Any) -> dict[str, Any]:
        return validate_payload_object(value)


class ProcessResponseSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    service_type = serializers.CharField()
    success = serializers.BooleanField()
    data = serializers.DictField(allow_null=True, help_text="decision, score, findings, analyzer_version and "
                                 "the guard's own fields")
    error = ErrorSerializer(allow_null=True)
    processing_time = serializers.FloatField(help_text="Seconds spent running the guard.")
    service_used = serializers.CharField(help_text='The guard name, or "<guard> (in-process fallback)".')


class ScanRequestSerializer(_CallOptions):
    text = StrictCharField(allow_blank=True, trim_whitespace=False)
    content_type = serializers.ChoiceField(choices=CONTENT_TYPES, default="text")
    guards = serializers.ListField(child=StrictCharField(max_length=64), required=False, allow_empty=False,
                                   max_length=6, help_text="Default: every guard enabled for the tenant and key.")
    payload = PayloadField(required=False, default=dict,
                           help_text="Extra guard-specific payload fields (e.g. output_text).")

    def validate_payload(self, value: Any) -> dict[str, Any]:
        return validate_payload_object(value)


class ScanItemSerializer(serializers.Serializer):
    service_type = serializers.CharField()
    success = serializers.BooleanField()
    data = serializers.DictField(allow_null=True)
    error = ErrorSerializer(allow_null=True)
    processing_time = serializers.FloatField()
    service_used = serializers.CharField()


class ScanResponseSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    success = serializers.BooleanField(help_text="True when every guard answered.")
    decision = serializers.ChoiceField(choices=("allow", "flag", "block"),
                                       help_text="Most severe verdict; a failed guard counts as flag.")
    results = ScanItemSerializer(many=True)
    processing_time = serializers.FloatField()


class ServiceSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    version = serializers.CharField(allow_null=True)
    port = serializers.IntegerField()
    enabled = serializers.BooleanField()
    in_key_scope = serializers.BooleanField()
    backend = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    settings_schema = serializers.DictField()
    payload_fields = serializers.DictField(help_text="The payload fields this guard reads: OpenAPI schema, "
                                           "required, default (the same declaration validates them).")
    payload_example = serializers.DictField()
    mode = serializers.ChoiceField(choices=("enforce", "monitor", "off"), allow_null=True,
                                   help_text="The tenant's mode of this guard (null: no config).")
    failure_policy = serializers.ChoiceField(choices=("fail_open", "fail_closed"), allow_null=True)
    config_version = serializers.IntegerField(allow_null=True, help_text="The tenant's policy version in force.")


class ServicesResponseSerializer(serializers.Serializer):
    services = ServiceSerializer(many=True)


class GuardHealthSerializer(serializers.Serializer):
    service = serializers.CharField()
    status = serializers.ChoiceField(choices=("healthy", "degraded", "unhealthy", "not_enabled"))
    enabled = serializers.BooleanField()
    backend = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    breaker_state = serializers.CharField(required=False)
    version = serializers.CharField(required=False, allow_null=True)


class HealthResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=("healthy", "degraded", "unhealthy"))
    services = serializers.DictField(child=GuardHealthSerializer())



# --- The plain /process request, validated without the serializer machinery -----------------

_PROCESS_KEYS = frozenset(ProcessRequestSerializer._declared_fields)
_SURROGATE = re.compile("[\ud800-\udfff]")
_MODES = ("enforce", "monitor")


def _plain_string(value: Any, max_length: int) -> bool:
    """A string ``StrictCharField(max_length=...)`` would return unchanged and without error:
    not blank, no surrounding whitespace (DRF trims it), within the length, no NUL, no surrogate."""
    return (type(value) is str and 0 < len(value) <= max_length and value == value.strip()
            and "\x00" not in value and (value.isascii() or _SURROGATE.search(value) is None))


def process_request_plain(data: Any) -> dict[str, Any] | None:
    """``ProcessRequestSerializer(data=data).validated_data`` for a request every field of which is
    plainly valid, or None: then the serializer validates it (and words any error).

    Only input the serializer would take unchanged and without an error is answered here, with
    the same values, defaults and key order (``tests/guards/test_process_request_plain.py``
    compares the two on a battery of inputs), so the contract and every error message stay the
    serializer's. The serializer's per-request work (field copies, binding, a run of validators
    per field) was the largest part of the view's own Python work on a guarded request.
    """
    if type(data) is not dict or not _PROCESS_KEYS.issuperset(data):
        return None
    get = data.get
    user_id, session_id = get("user_id"), get("session_id")
    if user_id is not None and not _plain_string(user_id, 128):
        return None
    if session_id is not None and (type(session_id) is not str or not _SESSION_ID.match(session_id)):
        return None
    priority = get("priority", 1)
    if type(priority) is str:
        if priority not in PRIORITY_NAMES:
            return None
        priority = PRIORITY_NAMES[priority]
    elif type(priority) is not int or not 1 <= priority <= 10:
        return None
    timeout = get("timeout", 30.0)
    if type(timeout) is int:
        if not 1 <= timeout <= 300:
            return None
        timeout = float(timeout)
    elif type(timeout) is not float or not 0.1 <= timeout <= 300:  # NaN fails both comparisons
        return None
    fallback_enabled = get("fallback_enabled", True)
    client_type = get("client_type", "api")
    mode = get("mode")
    service_type = get("service_type")
    payload = get("payload")
    if (type(fallback_enabled) is not bool or type(client_type) is not str or client_type not in CLIENT_TYPES
            or (mode is not None and (type(mode) is not str or mode not in _MODES))
            or not _plain_string(service_type, 64) or not _plain_json(payload)):
        return None
    try:
        payload = validate_payload_object(payload)
    except serializers.ValidationError:
        return None
    return {"user_id": user_id, "session_id": session_id, "priority": priority, "timeout": timeout,
            "fallback_enabled": fallback_enabled, "client_type": client_type, "mode": mode,
            "service_type": service_type, "payload": payload}
