"""Issue 11, cases 5 and 10: one set of input rules for every JSON body, and strict types.

Each body below used to answer 500 (RecursionError, UnicodeEncodeError in a guard or in
the renderer) or 502 (a guard service crashing on it), or was silently coerced. Now the
same rule answers 400 ``invalid_request`` naming the field, on /process, /scan and the
keys API alike.
"""

from __future__ import annotations

import json
import time

import pytest

from aiguardian import input_rules
from aiguardian.input_rules import json_loads, nesting_depth
from tests.accounts.conftest import admin_a, clerk_idp, clerk_settings  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PROCESS = "/api/v1/guards/process"
SCAN = "/api/v1/guards/scan"
SURROGATE = "\\ud800"  # as it appears in the JSON text: a lone high surrogate
NUL = "\\u0000"


def fill(template: str, value: str) -> str:
    """A raw JSON body with ``value`` (JSON text, escapes kept as written) at ``<X>``."""
    return template.replace("<X>", value)


def post_raw(client, url: str, text: str):
    """Send ``text`` as the body verbatim (json.dumps would reject or re-encode the escapes)."""
    return client.post(url, data=text.encode(), content_type="application/json")


def invalid_fields(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["code"] == "invalid_request"
    return body["error"]["fields"]


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("url", [PROCESS, SCAN])
def test_json_nested_a_thousand_deep_in_two_kilobytes_is_a_400_not_a_recursion_error(api_client, url) -> None:
    text = fill('{"service_type": "tokenguard", "text": "x", "payload": {"text": "x", "extra": <X>}}', deep(1000))
    assert len(text) < 2100
    fields = invalid_fields(post_raw(api_client, url, text))
    assert fields == {"(body)": ["Objects and arrays may nest at most 32 deep."]}


def test_nesting_up_to_the_limit_is_parsed_and_judged_by_the_serializer(api_client, settings) -> None:
    settings.API_MAX_JSON_DEPTH = 4
    ok = '{"service_type": "tokenguard", "payload": {"text": "fine", "extra": [[]]}}'  # depth 4
    assert post_raw(api_client, PROCESS, ok).status_code == 200
    too_deep = '{"service_type": "tokenguard", "payload": {"text": "fine", "extra": [[[]]]}}'
    assert "(body)" in invalid_fields(post_raw(api_client, PROCESS, too_deep))


@pytest.mark.parametrize(("body", "path"), [
    # The shapes the issue reproduced: 502 from a guard, or 500 from the gateway.
    (fill('{"service_type": "securityguard", "payload": {"text": "<X>"}}', SURROGATE), "payload.text"),
    (fill('{"service_type": "contextguard", "session_id": "s1", "payload": {"text": "<X>"}}', SURROGATE),
     "payload.text"),
    (fill('{"service_type": "trustguard", "payload": {"text": "ok", "output_text": "a <X> b"}}', SURROGATE),
     "payload.output_text"),
    (fill('{"service_type": "tokenguard", "payload": {"text": "ok"}, "<X>": 1}', SURROGATE), "\\ud800"),
    (fill('{"service_type": "tokenguard", "payload": {"text": "ok", "model": "<X>"}}', SURROGATE), "payload.model"),
    (fill('{"service_type": "tokenguard", "payload": {"text": "a <X> b", "optimize": true}}', SURROGATE),
     "payload.text"),
    # NUL anywhere, keys too, at any depth.
    (fill('{"service_type": "tokenguard", "payload": {"text": "a<X>b"}}', NUL), "payload.text"),
    (fill('{"service_type": "tokenguard", "payload": {"text": "ok", "messages": [{"role": "user", '
          '"content": "<X>"}]}}', NUL), "payload.messages[0].content"),
    (fill('{"service_type": "tokenguard", "payload": {"text": "ok", "x<X>": 1}}', NUL), "payload.x\\u0000"),
    (fill('{"service_type": "tokenguard", "user_id": "<X>", "payload": {"text": "ok"}}', "\\udfff"), "user_id"),
])
def test_nul_and_lone_surrogates_are_refused_with_the_field_path_on_process(api_client, body, path) -> None:
    fields = invalid_fields(post_raw(api_client, PROCESS, body))
    assert list(fields) == [path]
    (message,) = fields[path]
    assert "NUL" in message or "surrogate" in message


@pytest.mark.parametrize(("body", "path"), [
    (fill('{"text": "<X>", "guards": ["tokenguard"]}', SURROGATE), "text"),
    (fill('{"text": "ok", "payload": {"output_text": "<X>"}, "guards": ["trustguard"]}', NUL), "payload.output_text"),
    (fill('{"text": "ok", "guards": ["token<X>"]}', SURROGATE), "guards[0]"),
])
def test_scan_answers_the_same_rule_with_the_same_field_paths(api_client, body, path) -> None:
    assert list(invalid_fields(post_raw(api_client, SCAN, body))) == [path]


def test_the_keys_api_follows_the_same_rule(admin_a) -> None:  # noqa: F811 - fixture
    fields = invalid_fields(post_raw(admin_a.client, "/api/v1/keys", fill('{"name": "ci<X>"}', NUL)))
    assert list(fields) == ["name"]
    deep_body = fill('{"name": "ci", "x": <X>}', deep(40))
    assert "(body)" in invalid_fields(post_raw(admin_a.client, "/api/v1/keys", deep_body))


def test_a_valid_surrogate_pair_is_an_ordinary_character_where_a_lone_one_is_refused(api_client) -> None:
    pair = post_raw(api_client, PROCESS, '{"service_type": "tokenguard", "payload": {"text": "ok", '
                                         '"model": "gpt-4o \\ud83d\\ude00"}}')
    assert pair.status_code == 200, pair.content
    lone = post_raw(api_client, PROCESS, '{"service_type": "tokenguard", "payload": {"text": "ok", '
                                         '"model": "gpt-4o \\ud83d"}}')
    assert list(invalid_fields(lone)) == ["payload.model"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_constants_stay_malformed_and_deep_nesting_is_invalid_in_the_same_parser(api_client,
                                                                                          constant) -> None:
    body = fill('{"service_type": "tokenguard", "payload": {"text": "x"}, "timeout": <X>}', constant)
    response = post_raw(api_client, PROCESS, body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"
    nested = fill('{"service_type": "tokenguard", "payload": {"text": "x", "a": <X>}}', deep(200))
    assert "(body)" in invalid_fields(post_raw(api_client, PROCESS, nested))


# --- strict types (case 10) ----------------------------------------------------------------------

def process_body(**options) -> dict:
    return {"service_type": "tokenguard", "payload": {"text": "Count these words."}, **options}


@pytest.mark.parametrize(("field", "value"), [
    ("timeout", '"5"'), ("timeout", "true"), ("timeout", "1e400"), ("timeout", "1" + "0" * 400),
    ("priority", '"1"'), ("priority", "true"), ("priority", "2.5"), ("priority", "11"), ("priority", '"urgent"'),
    ("fallback_enabled", '"true"'), ("fallback_enabled", "1"),
    ("user_id", "42"), ("service_type", "7"),
])
def test_loosely_typed_options_are_refused_on_process(api_client, field, value) -> None:
    body = json.dumps(process_body(**{field: "VALUE"})).replace('"VALUE"', value)  # value is raw JSON
    fields = invalid_fields(post_raw(api_client, PROCESS, body))
    assert list(fields) == [field]


@pytest.mark.parametrize(("body", "field"), [
    ({"text": 5}, "text"), ({"text": ["a"]}, "text"), ({"text": "ok", "timeout": "5"}, "timeout"),
    ({"text": "ok", "guards": [5]}, "guards"), ({"text": "ok", "priority": "1"}, "priority"),
])
def test_scan_refuses_what_process_refuses(api_client, body, field) -> None:
    assert field in invalid_fields(api_client.post(SCAN, body, format="json"))


@pytest.mark.parametrize(("priority", "number"), [("low", 1), ("normal", 5), ("high", 8), ("critical", 10),
                                                  (1, 1), (10, 10)])
def test_priority_takes_the_seeds_names_and_integers_one_to_ten(api_client, priority, number, monkeypatch) -> None:
    seen = []
    from guards import views

    real = views.guard_process
    monkeypatch.setattr(views, "guard_process", lambda **kw: seen.append(kw["options"].priority) or real(**kw))
    response = api_client.post(PROCESS, process_body(priority=priority, timeout=5), format="json")
    assert response.status_code == 200, response.content
    assert seen == [number]


# --- the parser itself --------------------------------------------------------------------------------

def test_brackets_inside_strings_do_not_count_towards_the_depth() -> None:
    text = json.dumps({"a": "[[[[{{{{" * 50, "b": ['q"uo\\te[', {"c": "]]]"}]}).encode()
    assert nesting_depth(text) == 3
    assert json_loads(text)["b"][1] == {"c": "]]]"}


def test_the_checks_add_well_under_a_tenth_of_a_millisecond_per_kilobyte() -> None:
    body = json.dumps({"service_type": "securityguard", "priority": "high", "timeout": 5,
                       "payload": {"text": "Please summarise the attached notes for the team. " * 20,
                                   "content_type": "text"}}).encode()
    assert 1000 <= len(body) <= 1200
    decoder = json.JSONDecoder()
    runs = 3000

    def cpu_per_call(parse) -> float:
        started = time.process_time()
        for _ in range(runs):
            parse(body)
        return (time.process_time() - started) / runs

    plain = min(cpu_per_call(lambda b: decoder.decode(b.decode())) for _ in range(3))
    checked = min(cpu_per_call(json_loads) for _ in range(3))
    assert checked - plain < 50e-6, f"input rules cost {(checked - plain) * 1e6:.1f} us of CPU per 1 KB body"


@pytest.mark.parametrize(("body", "depth"), [
    (b"[" + b"[]," * 330_000 + b"[]]", 2),  # a megabyte of brackets
    (b"[" * 40 + b'"' + b'\\"' * 500_000, 40),  # an unterminated string of escaped quotes
    (b"[" * 40 + b'"a\\' * 300_000, 40),  # ... of backslashes
])
def test_the_depth_scan_is_linear_on_adversarial_megabytes(body, depth) -> None:
    started = time.process_time()
    assert nesting_depth(body) == depth
    assert time.process_time() - started < 0.25
    assert input_rules.max_depth() == 32
