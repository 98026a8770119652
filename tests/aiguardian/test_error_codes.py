"""Every error code the gateway can answer is listed in the README and in the OpenAPI schema.

The codes are collected from the source, so a new code that is not documented fails here
instead of rotting silently: ``default_code = "…"``, any ``code="…"`` argument, the code
argument of the helpers that build errors, DRF's per-exception defaults, and the JSON
errors nginx answers in front of the application.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("aiguardian", "accounts", "billing", "guards", "policy")
# Helpers whose argument at this position is an error code.
CODE_ARGUMENT = {"_fail": 0, "UnusableEvent": 0, "WebhookRejected": 0, "error_body": 0, "_json_error": 2}
CODE = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
# Codes the gateway's own API never answers, so its schema does not list them.
NOT_GATEWAY = {"invalid_service_token"}  # only a standalone guard service, to a caller without its token


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_in(tree: ast.AST) -> set[str]:
    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if "default_code" in names:
                found.add(_string(node.value))
            if "_DEFAULT_CODES" in names and isinstance(node.value, ast.Dict):
                found.update(_string(v) for v in node.value.values)
        elif isinstance(node, ast.Call):
            found.update(_string(k.value) for k in node.keywords if k.arg == "code")
            position = CODE_ARGUMENT.get(_callee(node))
            if position is not None and len(node.args) > position:
                found.add(_string(node.args[position]))
    return {code for code in found if code and CODE.match(code)}


def source_codes() -> set[str]:
    codes: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                codes |= codes_in(ast.parse(path.read_text(), filename=str(path)))
    nginx = (ROOT / "deploy" / "nginx" / "nginx.conf.template").read_text()
    return codes | set(re.findall(r'"code":\s*"([a-z_]+)"', nginx))


def test_the_collector_finds_codes_of_every_kind() -> None:
    codes = source_codes()
    assert {"unknown_guard", "session_not_found", "invalid_api_key", "malformed_event", "missing_signature",
            "disallowed_host", "method_not_allowed", "request_timeout"} <= codes
    assert len(codes) > 50


@pytest.fixture(scope="module")
def schema_text(django_db_blocker) -> str:  # type: ignore[no-untyped-def]
    from django.test import Client

    with django_db_blocker.unblock():
        return json.dumps(Client().get("/api/schema", HTTP_ACCEPT="application/json").json())


def test_every_error_code_is_listed_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = sorted(code for code in source_codes() if f"`{code}`" not in readme)
    assert not missing, f"error codes not in README.md: {missing}"


def test_every_error_code_is_in_the_openapi_schema(schema_text) -> None:
    missing = sorted(code for code in source_codes() - NOT_GATEWAY if not re.search(rf"\b{code}\b", schema_text))
    assert not missing, f"error codes not in the OpenAPI schema: {missing}"


def test_the_readme_lists_no_code_the_source_does_not_have() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- error-codes -->", 1)[1].split("<!-- /error-codes -->", 1)[0]
    listed = {code for row in table.splitlines()[2:] for code in re.findall(r"`([a-z_]+)`", row.split("|")[2])}
    assert listed and not listed - source_codes(), f"README lists unknown codes: {sorted(listed - source_codes())}"
