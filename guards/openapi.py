"""The guard API's OpenAPI schema, generated from each guard's :class:`GuardContract`.

``/process`` requests and answers are documented as unions discriminated by
``service_type``: one variant per guard, whose ``payload`` is ``<Guard>Payload`` and whose
``data`` is ``<Guard>Result``, both built from the declaration the analyzer validates
with. Everything here is lazy (built when the schema is generated), so importing the views
does not import every analyzer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from guards import serializers as s
from guards.analyzers.base import Analyzer
from guards.analyzers.contract import DEFAULT_CONTRACT, GuardContract
from guards.analyzers.registry import GUARD_NAMES, GUARDS
from guards.services.backends.inprocess import installed_analyzer_class

PROCESS_PATH = "/api/v1/guards/process"
# The variants are built once per process from the guard names fixed at import (GUARD_NAMES,
# never the mutable GUARDS mapping), so every part of the schema names the same guards.


def guard_contract(guard: str) -> GuardContract:
    """The guard's declaration; the generic one when its analyzer is not installed here."""
    cls: type[Analyzer] | None = installed_analyzer_class(guard)
    return cls.contract if cls is not None else DEFAULT_CONTRACT


def component(guard: str, part: str) -> str:
    """``("tokenguard", "Payload")`` -> ``"TokenguardPayload"``."""
    return f"{guard.capitalize()}{part}"


def _ref(name: str, *, nullable: bool = False) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"allOf": [ref], "nullable": True} if nullable else ref


def _annotated(base: type[serializers.Field], schema: dict[str, Any]) -> type[serializers.Field]:
    return extend_schema_field(schema)(type(base.__name__, (base,), {}))


def _variant(guard: str, base: type[serializers.Serializer], part: str, **fields: serializers.Field) -> type:
    name = f"{component(guard, part)}Serializer"
    return type(name, (base,), {
        "__doc__": f"{part} of {guard}: {GUARDS[guard].summary}",
        "service_type": _annotated(serializers.CharField, {"type": "string", "enum": [guard]})(), **fields})


@cache
def process_request_variants() -> dict[str, type]:
    payload = {guard: _annotated(s.PayloadField, _ref(component(guard, "Payload"))) for guard in GUARD_NAMES}
    return {guard: _variant(guard, s.ProcessRequestSerializer, "ProcessRequest", payload=payload[guard]())
            for guard in GUARD_NAMES}


@cache
def _answer_variants(base: type[serializers.Serializer], part: str) -> dict[str, type]:
    data = {guard: _annotated(serializers.DictField, _ref(component(guard, "Result"), nullable=True))
            for guard in GUARD_NAMES}
    return {guard: _variant(guard, base, part, data=data[guard]()) for guard in GUARD_NAMES}


def process_request() -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(component_name="ProcessRequest", serializers=process_request_variants,
                                      resource_type_field_name="service_type")


def process_response() -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="ProcessResponse", resource_type_field_name="service_type",
        serializers=lambda: _answer_variants(s.ProcessResponseSerializer, "ProcessResponse"))


def scan_item(**kwargs: Any) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="ScanItem", resource_type_field_name="service_type",
        serializers=lambda: _answer_variants(s.ScanItemSerializer, "ScanItem"), **kwargs)


_VARIANT_PARTS = ("ProcessRequest", "ProcessResponse", "ScanItem")


def name_guard_variants(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Hook, before drf-spectacular's enum hook: each variant's one-value ``service_type`` enum
    becomes the named component ``<Guard>ServiceType`` (else the enum hook reports a naming
    collision for every guard)."""
    schemas = result.get("components", {}).get("schemas", {})
    for guard in GUARD_NAMES:
        enum_name = component(guard, "ServiceType")
        for part in _VARIANT_PARTS:
            properties = schemas.get(component(guard, part), {}).get("properties", {})
            if "service_type" in properties:
                properties["service_type"] = _ref(enum_name)
                # Registered, not just added: the enum hook rebuilds components from the registry.
                generator.registry.register_on_missing(ResolvedComponent(
                    name=enum_name, type=ResolvedComponent.SCHEMA, object=enum_name,
                    schema={"type": "string", "enum": [guard]}))
    return result


def add_guard_components(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Hook, after the enum hook (their enums stay inline): each guard's payload and result
    schemas, and an example request per guard on ``/process``."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    examples = {}
    for guard in GUARD_NAMES:
        contract = guard_contract(guard)
        schemas[component(guard, "Payload")] = contract.payload.openapi(example=contract.example)
        schemas[component(guard, "Result")] = contract.result.openapi()
        examples[guard] = {"summary": GUARDS[guard].summary,
                           "value": {"service_type": guard, "payload": contract.example}}
    operation = result.get("paths", {}).get(PROCESS_PATH, {}).get("post")
    if operation is not None:
        for media in operation.get("requestBody", {}).get("content", {}).values():
            media["examples"] = examples
    return result


@extend_schema_serializer(component_name="ScanResponse")
class ScanResponseSchema(s.ScanResponseSerializer):
    """``/scan``'s answer with each result's ``data`` typed by its guard (documentation only)."""

    results = scan_item(many=True)
