"""A controllable stand-in guard service for the integration tests (a plain WSGI app).

Its behaviour comes from the JSON file named by ``FAKE_GUARD_STATE`` and is re-read on
every request, so a test can make it slow, failing or healthy while gunicorn runs it:
``{"delay": 2.0, "status": 200}`` (``"code"`` names the error of a failing answer). It answers like a guard service: ``/process`` with
the seed contract (a word count as its "analysis"), ``/health`` and ``/health/live``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from typing import Any


def _state() -> dict[str, Any]:
    try:
        with open(os.environ["FAKE_GUARD_STATE"]) as fh:
            return json.load(fh)
    except (OSError, ValueError, KeyError):
        return {}


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    state = _state()
    status = 200
    if path == "/process":
        time.sleep(float(state.get("delay", 0)))
        status = int(state.get("status", 200))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}")
        words = len(str(request.get("payload", {}).get("text", "")).split())
        body: dict[str, Any] = {
            "request_id": "fake", "service_type": request.get("service_type"), "success": status == 200,
            "data": {"decision": "keep", "score": 0.0, "findings": [], "analyzer_version": "fake-1", "words": words},
            "error": None if status == 200 else {"code": state.get("code", "guard_unavailable"),
                                                 "message": "fake failure"},
            "processing_time": 0.0, "service_used": request.get("service_type"),
        }
    else:
        body = {"status": "healthy" if int(state.get("status", 200)) == 200 else "unhealthy", "service": "fake"}
    data = json.dumps(body).encode()
    start_response(f"{status} X", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
