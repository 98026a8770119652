"""Call a remote guard service: pooled connections, deadline, safe retries, circuit breaker.

Retries only what cannot have reached the service (connection refused or timed out
while connecting) and explicit 502/503 answers, with exponential backoff, all inside
the request's deadline (its ``timeout`` capped by the backend's). A read timeout is
never retried: the service may have acted (contextguard writes session memory).

The breaker counts only the backend's own faults: connection errors, timeouts, and
5xx answers other than ``guard_analyzer_error`` (the analyzer failed on *this* input).
What the service refuses because of the call itself (400 ``invalid_request``, 413) is
the caller's error and, like a payload-caused analyzer failure, leaves the breaker
alone: one tenant's input must not open the breaker for every tenant on the backend.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from guards.errors import (
    BackendPayloadTooLarge,
    GuardAnalyzerError,
    GuardBackendError,
    GuardFailure,
    GuardTimeout,
    GuardUnavailable,
    InputOverBudget,
    InvalidPayload,
)
from guards.services.backends.breaker import CircuitBreaker
from guards.services.backends.types import BackendSpec, GuardAnswer, GuardCall

logger = logging.getLogger(__name__)

SERVICE_TOKEN_HEADER = "X-Guard-Service-Token"
CONNECT_TIMEOUT = 2.0
BACKOFF_SECONDS = 0.05
RETRY_STATUSES = frozenset({502, 503})

_session: requests.Session | None = None
_session_pid = 0
_session_lock = threading.Lock()


def http_session() -> requests.Session:
    """One pooled session per process (recreated after a fork: sockets must not be shared)."""
    global _session, _session_pid
    if _session is not None and _session_pid == os.getpid():
        return _session
    with _session_lock:
        if _session is None or _session_pid != os.getpid():
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=16, pool_maxsize=64, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.trust_env = False  # no proxy from the environment between gateway and guards
            _session, _session_pid = session, os.getpid()
        return _session


def _not_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection was never established, so nothing reached the service."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError))


def _headers(spec: BackendSpec, request_id: str) -> dict[str, str]:
    if not settings.GUARD_SERVICE_TOKEN:
        logger.error("GUARD_SERVICE_TOKEN is not set: cannot call backend %s", spec.name)
        raise GuardBackendError("The guard backend is misconfigured.")
    headers = {SERVICE_TOKEN_HEADER: settings.GUARD_SERVICE_TOKEN, "X-Request-ID": request_id}
    if spec.auth_header:
        value = os.environ.get(spec.auth_secret_name or "")
        if not value:
            logger.error("backend %s: secret %s is not set", spec.name, spec.auth_secret_name or "(none)")
            raise GuardBackendError("The guard backend is misconfigured.")
        headers[spec.auth_header] = value
    return headers


def request_body(call: GuardCall, timeout: float) -> dict[str, Any]:
    """The seed request plus the tenant's settings and scoped context the service needs."""
    ctx = call.context
    return {
        "service_type": call.guard,
        "payload": call.payload,
        **call.meta,
        "timeout": timeout,
        "settings": call.settings,
        "context": {
            "tenant_key": ctx.tenant_key,
            "backend_health": ctx.backend_health.snapshot() if ctx.backend_health else None,
        },
    }


def _error_of(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _retryable(response: requests.Response) -> bool:
    """A 502/503 the service may not give again; an analyzer failure on this input it would."""
    return (response.status_code in RETRY_STATUSES
            and _error_of(response).get("code") != GuardAnalyzerError.default_code)


def _answer(spec: BackendSpec, response: requests.Response) -> GuardAnswer:
    status = response.status_code
    if status == 200:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("success") and isinstance(body.get("data"), dict):
            return GuardAnswer(body["data"])
        raise GuardBackendError(f"Backend {spec.name} answered with an unexpected body.")
    error = _error_of(response)
    if status == 400 and error.get("code") == "invalid_request":
        fields = error.get("fields") if isinstance(error.get("fields"), dict) else None
        raise InvalidPayload(str(error.get("message") or "Invalid payload."), fields=fields)
    if status == 413 and error.get("code") == InputOverBudget.default_code:
        # The service's input budget under oversize_policy=reject: the caller's 413, with the service's words.
        fields = error.get("fields") if isinstance(error.get("fields"), dict) else None
        raise InputOverBudget(str(error.get("message") or InputOverBudget.default_detail), fields=fields)
    if status == 413:
        raise BackendPayloadTooLarge(f"The payload is too large for backend {spec.name}.")
    if error.get("code") == GuardAnalyzerError.default_code:
        raise GuardAnalyzerError(f"The {spec.name} analyzer failed on this input.")
    if status == 504:
        raise GuardTimeout(f"Backend {spec.name} timed out.")
    if status == 503:
        raise GuardUnavailable(f"Backend {spec.name} is unavailable.")
    logger.warning("backend %s answered %s (%s)", spec.name, status, error.get("code", "-"))
    raise GuardBackendError(f"Backend {spec.name} failed ({status}).")


def _post(spec: BackendSpec, call: GuardCall) -> GuardAnswer:
    timeout = min(call.timeout, spec.timeout)
    deadline = time.monotonic() + timeout
    body = request_body(call, timeout)
    headers = _headers(spec, call.context.request_id)
    url = f"{spec.base_url}/process"
    for attempt in range(spec.max_retries + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise GuardTimeout(f"Backend {spec.name} did not answer within {timeout:g}s.")
        last = attempt == spec.max_retries
        try:
            response = http_session().post(
                url, json=body, headers=headers, timeout=(min(CONNECT_TIMEOUT, remaining), remaining)
            )
        except requests.ReadTimeout:
            raise GuardTimeout(f"Backend {spec.name} did not answer within {timeout:g}s.") from None
        except requests.ConnectionError as exc:
            if last or not _not_sent(exc):
                raise GuardUnavailable(f"Backend {spec.name} is unreachable.") from None
        except requests.RequestException:
            raise GuardBackendError(f"Backend {spec.name} failed.") from None
        else:
            if last or not _retryable(response):
                return _answer(spec, response)
        time.sleep(min(BACKOFF_SECONDS * 2**attempt, max(0.0, deadline - time.monotonic())))
    raise GuardUnavailable(f"Backend {spec.name} is unreachable.")  # pragma: no cover - loop always returns


def run_http(spec: BackendSpec, call: GuardCall) -> GuardAnswer:
    """Run ``call`` on the remote service behind the backend's circuit breaker."""
    if not spec.active:
        raise GuardUnavailable(f"Backend {spec.name} is disabled.")
    breaker = CircuitBreaker(spec.id, spec.name)
    allowed, _ = breaker.allow()
    if not allowed:
        raise GuardUnavailable(f"Backend {spec.name} is unavailable (circuit open).")
    started = time.perf_counter()
    try:
        answer = _post(spec, call)
    except GuardFailure as exc:
        if exc.counts_against_backend:
            breaker.record_failure((time.perf_counter() - started) * 1000)
        else:  # the service answered; the call itself was the problem
            breaker.record_success((time.perf_counter() - started) * 1000)
        raise
    except InvalidPayload:
        breaker.record_success((time.perf_counter() - started) * 1000)  # the service is fine
        raise
    breaker.record_success((time.perf_counter() - started) * 1000)
    return answer


def check_http_health(spec: BackendSpec, *, timeout: float = 2.0) -> dict[str, Any]:
    """GET the service's ``/health``; never raises."""
    started = time.perf_counter()
    try:
        response = http_session().get(
            f"{spec.base_url}/health", timeout=(min(CONNECT_TIMEOUT, timeout), timeout),
            headers={SERVICE_TOKEN_HEADER: settings.GUARD_SERVICE_TOKEN},
        )
        ok = response.status_code == 200
        detail = "ok" if ok else f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        ok, detail = False, type(exc).__name__
    return {"status": "healthy" if ok else "unhealthy", "detail": detail,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
