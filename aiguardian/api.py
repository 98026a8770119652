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

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

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

    @classmethod
    def over(cls, limit: int) -> PayloadTooLarge:
        return cls(f"Request body is larger than {limit} bytes.")


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
    elif isinstance(exc, RequestDataTooBig):  # request.body above DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge.over(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
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

    # Imported here: DRF's views module loads DEFAULT_PARSER_CLASSES (aiguardian.input_rules,
    # which imports this module) while it is being defined.
    from rest_framework.views import set_rollback

    set_rollback()
    response = Response(
        error_body(_code_for(exc), message, request_id, fields), status=exc.status_code, headers=headers
    )
    return response


# --- Django's own error views (urls.py handler400/403/404/500, CSRF_FAILURE_VIEW) -------------
# Outside DRF, Django answers these itself, in HTML by default; the gateway answers JSON.

def _json_error(request: HttpRequest, status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message, getattr(request, "request_id", None)), status=status_code)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django's 400 (SuspiciousOperation): a bad Host header, an oversized body, and the like."""
    if isinstance(exception, RequestDataTooBig):
        return _json_error(request, 413, "payload_too_large",
                           f"Request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    if isinstance(exception, DisallowedHost):
        return _json_error(request, 400, "disallowed_host", "This host name is not served here.")
    return _json_error(request, 400, "bad_request", "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json_error(request, 403, "permission_denied", "You do not have permission to perform this action.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """JSON on API paths (clients read codes); Django's page elsewhere (a person at the admin reads it)."""
    if request.path.startswith("/api/"):
        return _json_error(request, 403, "csrf_failed", "CSRF verification failed.")
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """JSON 500 for anything unhandled; the traceback goes to the log only."""
    return _json_error(request, 500, "internal_error", "Internal server error.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json_error(request, 404, "not_found", "Not found.")
