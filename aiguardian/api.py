"""One JSON error shape for the whole API, with stable machine-readable codes.

Every error answers::

    {"success": false, "error": {"code": "...", "message": "...", "fields": {...}},
     "request_id": "..."}

``fields`` appears only on validation errors. Nothing here ever includes a stack
trace or the offending value, so an error cannot leak a secret the client sent.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class APIError(exceptions.APIException):
    """An error with a stable ``code``; raise subclasses or pass ``code``/``status``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "Bad request."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        if status_code is not None:
            self.status_code = status_code
        self.code = code or self.default_code
        self.headers = headers or {}
        self.fields = fields


class PayloadTooLarge(APIError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "Request body is too large."


class DatabaseUnavailable(APIError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "database_unavailable"
    default_detail = "The service is briefly unavailable; retry shortly."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "5"})


_DEFAULT_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ParseError: "malformed_json",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ValidationError: "invalid_request",
}


def error_body(code: str, message: str, request_id: str | None, fields: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"success": False, "error": error, "request_id": request_id}


def _code_for(exc: exceptions.APIException) -> str:
    if isinstance(exc, APIError):
        return exc.code
    detail_code = None
    if isinstance(exc.detail, str) or hasattr(exc.detail, "code"):
        detail_code = getattr(exc.detail, "code", None)
    for cls in type(exc).__mro__:
        if cls in _DEFAULT_CODES:
            base = _DEFAULT_CODES[cls]
            # Keep framework codes that are more specific than the class default.
            if detail_code and detail_code not in {"invalid", "error", exc.default_code}:
                return str(detail_code)
            return base
    return str(detail_code or "error")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler producing the shared error shape."""
    request = context.get("request")
    request_id = getattr(request, "request_id", None) if request is not None else None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, (OperationalError, InterfaceError)):
        # The database cannot be reached (a cold cache needed it): the client may retry.
        logger.warning("database unavailable: %s", type(exc).__name__)
        exc = DatabaseUnavailable()
    if not isinstance(exc, exceptions.APIException):
        return None  # Django's handler500 answers, in JSON (see urls.py)

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait or 0) or 1)  # type: ignore[attr-defined]
    headers.update(getattr(exc, "headers", {}) or {})

    fields = getattr(exc, "fields", None)
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = "Invalid request: see fields."
    elif isinstance(exc.detail, (list, dict)):
        message = "Request failed."
    else:
        message = str(exc.detail)

    set_rollback()
    response = Response(
        error_body(_code_for(exc), message, request_id, fields), status=exc.status_code, headers=headers
    )
    return response


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """JSON 500 for anything unhandled; the traceback goes to the log only."""
    return JsonResponse(
        error_body("internal_error", "Internal server error.", getattr(request, "request_id", None)),
        status=500,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        error_body("not_found", "Not found.", getattr(request, "request_id", None)), status=404
    )
