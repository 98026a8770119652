"""The gateway's guard errors: each an :class:`~aiguardian.api.APIError` with a stable code.

Services raise them and the API's exception handler renders the shared error shape,
so a view, the scan pool and the standalone guard service all answer alike.
"""

from __future__ import annotations

from typing import Any

from rest_framework import status

from aiguardian.api import APIError


class UnknownGuardError(APIError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "unknown_guard"
    default_detail = "No guard by that name."


class GuardNotEnabled(APIError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "guard_not_enabled"
    default_detail = "This guard is not enabled for your tenant."


class GuardNotInKeyScope(APIError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "guard_not_in_key_scope"
    default_detail = "This API key may not use this guard."


class InvalidPayload(APIError):
    """The analyzer refused the payload (:class:`~guards.analyzers.base.PayloadError`)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_request"
    default_detail = "Invalid request: see fields."

    @classmethod
    def for_field(cls, field: str, message: str) -> InvalidPayload:
        return cls(fields={"payload": {field: [message]}})


class InputOverBudget(InvalidPayload):
    """The text is longer than the guard's input budget and the policy is ``reject``."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "input_too_large"
    default_detail = "The text is longer than this guard analyses."

    @classmethod
    def over(cls, *, guard: str, chars: int, limit: int) -> InputOverBudget:
        message = (f"The payload has {chars} characters of text; {guard} analyses at most {limit} "
                   f"(max_analysed_chars, oversize_policy=reject).")
        return cls(message, fields={"payload": {"text": [message]}})


class GuardFailure(APIError):
    """A backend failure; fallback to the in-process analyzer may answer instead."""

    #: whether the failure says something about the backend's health: only these count
    #: towards the circuit breaker, so one tenant's input cannot open it for everyone.
    counts_against_backend = True


class GuardBackendError(GuardFailure):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "guard_backend_error"
    default_detail = "The guard backend failed."


class GuardAnalyzerError(GuardBackendError):
    """The analyzer could not handle this call: it raised on the input, or the tenant's stored
    settings no longer validate. A bug or a config to fix, but no sign that the backend is
    unhealthy, so it never counts towards the breaker and a guard service does not retry it."""

    default_code = "guard_analyzer_error"
    default_detail = "The guard failed on this input."
    counts_against_backend = False


class BackendPayloadTooLarge(GuardFailure):
    """The guard service's own size limit refused the call: the payload's doing, not the backend's."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The payload is too large for this guard's backend."
    counts_against_backend = False


class GuardUnavailable(GuardFailure):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "guard_unavailable"
    default_detail = "The guard is unavailable."


class GuardTimeout(GuardFailure):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_code = "guard_timeout"
    default_detail = "The guard did not answer in time."


class AuditUnavailable(APIError):
    """Neither the audit spool nor the database took the call's record: it is not answered as done."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "audit_unavailable"
    default_detail = "The call could not be recorded; retry shortly."


def error_payload(exc: APIError) -> dict[str, Any]:
    """The ``error`` object of the seed contract for a failed guard run (used by scan)."""
    out: dict[str, Any] = {"code": exc.code, "message": str(exc.detail)}
    if exc.fields:
        out["fields"] = exc.fields
    return out
