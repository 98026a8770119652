"""The served OpenAPI schema: valid, and generated from each guard's own contract."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from guards.analyzers.registry import GUARD_NAMES, analyzer_class


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "allOf" in node and len(node["allOf"]) == 1:
        node = node["allOf"][0]
    if "$ref" in node:
        return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_the_served_schema_is_valid_openapi(schema) -> None:
    validate(schema)  # raises on any violation, dangling $ref included


@pytest.mark.parametrize(("name", "part"), [("ProcessRequest", "ProcessRequest"),
                                            ("ProcessResponse", "ProcessResponse"), ("ScanItem", "ScanItem")])
def test_requests_and_answers_are_unions_discriminated_by_service_type(schema, name, part) -> None:
    union = schema["components"]["schemas"][name]
    assert union["discriminator"]["propertyName"] == "service_type"
    assert set(union["discriminator"]["mapping"]) == set(GUARD_NAMES)
    assert len(union["oneOf"]) == len(GUARD_NAMES)
    for guard, ref in union["discriminator"]["mapping"].items():
        variant = _resolve(schema, {"$ref": ref})
        assert _resolve(schema, variant["properties"]["service_type"])["enum"] == [guard]
        assert ref.endswith(f"/{guard.capitalize()}{part}")


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_each_guards_payload_and_data_schemas_are_its_declared_contract(schema, guard) -> None:
    contract = analyzer_class(guard).contract
    components = schema["components"]["schemas"]
    request = components[f"{guard.capitalize()}ProcessRequest"]["properties"]
    assert _resolve(schema, request["payload"]) == contract.payload.openapi(example=contract.example)
    answer = components[f"{guard.capitalize()}ProcessResponse"]["properties"]
    assert _resolve(schema, answer["data"]) == contract.result.openapi()
    assert answer["data"]["nullable"] is True


def test_process_has_a_working_example_per_guard(schema) -> None:
    body = schema["paths"]["/api/v1/guards/process"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == set(GUARD_NAMES)
    for guard, example in body["examples"].items():
        assert example["value"]["service_type"] == guard
        analyzer_class(guard).contract.payload.validate(example["value"]["payload"])  # raises if refused


def test_either_api_key_header_is_enough(schema) -> None:
    operation = schema["paths"]["/api/v1/guards/process"]["post"]
    assert operation["security"] == [{"ApiKeyBearer": []}, {"ApiKeyHeader": []}]


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_each_example_is_answered_with_data_of_the_declared_shape(api_client, guard) -> None:
    from openapi_schema_validator import OAS30Validator

    contract = analyzer_class(guard).contract
    response = api_client.post("/api/v1/guards/process", {"service_type": guard, "payload": contract.example},
                               format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["service_type"] == guard and body["success"] is True
    errors = [e.message for e in OAS30Validator(contract.result.openapi()).iter_errors(body["data"])]
    assert not errors


def test_the_readme_lists_every_declared_payload_field() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for guard in GUARD_NAMES:
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{guard}` | **"))
        for spec in analyzer_class(guard).contract.payload.fields:
            assert f"`{spec.name}`" in row, (guard, spec.name)


def test_test_only_guards_registered_at_runtime_do_not_leak_into_the_schema(test_guards, client) -> None:
    served = client.get("/api/schema", HTTP_ACCEPT="application/json").json()
    validate(served)
    assert set(served["components"]["schemas"]["ProcessRequest"]["discriminator"]["mapping"]) == set(GUARD_NAMES)
    assert "ShoutguardPayload" not in served["components"]["schemas"]
    body = served["paths"]["/api/v1/guards/process"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == set(GUARD_NAMES)
