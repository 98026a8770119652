"""The gateway's rules for JSON input, in one place.

Every JSON body the gateway reads (the guard API, the keys API, the standalone guard
service, the Clerk and Stripe webhooks) is parsed by :func:`json_loads`:

- the body is UTF-8 JSON without ``NaN``/``Infinity`` (``malformed_json`` otherwise);
- objects and arrays nest at most ``API_MAX_JSON_DEPTH`` deep. The depth is measured on
  the raw text *before* the parser runs, so no body can make a parser recurse deeply;
- no string, key or value, at any depth, holds NUL or a lone UTF-16 surrogate. Neither
  survives PostgreSQL, UTF-8 encoding or most analyzers, so they are refused (400
  ``invalid_request``) with the path of the field, instead of failing somewhere later.

Cost on a typical 1 KB body is a few microseconds on top of ``json.loads``: the depth
scan only runs when the body holds more brackets than the limit, and the string walk
only when the raw text holds a ``\\u0000`` or ``\\uD8xx``-``\\uDFxx`` escape (the only
way either character can appear in valid UTF-8 JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

from aiguardian.api import APIError, PayloadTooLarge

# A JSON string, unrolled so the regex engine runs in C without backtracking. An
# unterminated one runs to the end of the body: a match must succeed from every opening
# quote, or the engine retries from each later quote and `"\"\"\"…` costs O(n²).
_STRING = re.compile(rb'"[^"\\]*(?:\\(?:.|\Z)[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = np.zeros(256, dtype=np.int32)
_DEPTH_STEP[[ord("["), ord("{")]] = 1
_DEPTH_STEP[[ord("]"), ord("}")]] = -1
# The escapes that can decode to NUL or a surrogate; a match only means "look closer".
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_FORBIDDEN_CHAR = re.compile("[\x00\ud800-\udfff]")
_PATH_SEGMENT_MAX = 64


class InvalidInput(APIError):
    """A body that breaks one of the input rules: the client's 400, naming the field."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_request"
    default_detail = "Invalid request: see fields."


def max_depth() -> int:
    return int(getattr(settings, "API_MAX_JSON_DEPTH", 32))


def nesting_depth(body: bytes) -> int:
    """How deep objects and arrays nest in ``body`` (brackets inside strings do not count)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    # A running sum over +1/-1 steps, vectorised: a megabyte of brackets takes milliseconds.
    return int(np.cumsum(_DEPTH_STEP[np.frombuffer(brackets, dtype=np.uint8)]).max())


def _too_deep(body: bytes, limit: int) -> bool:
    # Fewer openers than the limit cannot nest deeper than it: most bodies stop here.
    return body.count(b"[") + body.count(b"{") > limit and nesting_depth(body) > limit


def _may_hold_forbidden(body: bytes) -> bool:
    return b"\\u" in body and _SUSPECT_ESCAPE.search(body) is not None


def _segment(key: str) -> str:
    """A path segment safe to echo: forbidden characters escaped, long keys cut."""
    shown = _FORBIDDEN_CHAR.sub(lambda m: f"\\u{ord(m.group()):04x}", key)
    return shown if len(shown) <= _PATH_SEGMENT_MAX else shown[:_PATH_SEGMENT_MAX] + "…"


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{_segment(key)}" if path else _segment(key)


def _describe(text: str) -> str:
    char = _FORBIDDEN_CHAR.search(text)
    assert char is not None
    if char.group() == "\x00":
        return "NUL characters (U+0000) are not allowed."
    return (f"Lone surrogate U+{ord(char.group()):04X} is not allowed: send valid UTF-8 "
            "(or a complete \\uD8xx\\uDCxx pair).")


def _walk(value: Any) -> Iterator[tuple[str, str]]:
    """Yield (field path, problem) for each forbidden character in document order, without recursion."""
    # (value, path, is_key): keys are checked as their own entries to keep document order.
    stack: list[tuple[Any, str, bool]] = [(value, "", False)]
    while stack:
        item, path, is_key = stack.pop()
        if isinstance(item, str):
            if _FORBIDDEN_CHAR.search(item):
                yield path or "(body)", ("This key: " if is_key else "") + _describe(item)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                child_path = _join(path, key)
                stack.append((child, child_path, False))
                stack.append((key, child_path, True))
        elif isinstance(item, list):
            stack.extend((child, _join(path, i), False) for i, child in reversed(list(enumerate(item))))


def forbidden_characters(value: Any) -> dict[str, list[str]]:
    """``{field path: [problem]}`` for the first string (key or value) holding NUL or a lone surrogate."""
    for path, problem in _walk(value):
        return {path: [problem]}
    return {}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# One decoder: json.loads() with any keyword argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def json_loads(body: bytes) -> Any:
    """Parse a request body under the input rules (see the module docstring).

    Raises ``ParseError`` (``malformed_json``) for text that is not JSON and
    :class:`InvalidInput` for JSON that breaks a rule.
    """
    limit = max_depth()
    if _too_deep(body, limit):
        raise InvalidInput(f"JSON nests deeper than {limit} levels.",
                           fields={"(body)": [f"Objects and arrays may nest at most {limit} deep."]})
    try:
        value = _DECODER.decode(body.decode("utf-8"))  # RFC 8259: JSON is UTF-8
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise exceptions.ParseError(f"JSON parse error - {exc}") from None
    if _may_hold_forbidden(body):
        problems = forbidden_characters(value)
        if problems:
            raise InvalidInput(fields=problems)
    return value


class CheckedJSONParser(JSONParser):
    """DRF's JSON parser under the input rules; reads at most :meth:`max_bytes` of the body.

    The default parser of every DRF view. Reading through the limit (rather than
    trusting ``Content-Length``) also bounds a chunked body.
    """

    def max_bytes(self) -> int:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = self.max_bytes()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge.over(limit)
        return json_loads(body)
