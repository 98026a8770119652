"""OpenAPI pieces shared by every app's views: the error body and documented error responses.

Every operation lists each status it can answer (``extend_schema(responses=...)``), so a
client, and the schemathesis run in the test suite, can rely on the schema.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Per-field messages (validation errors); keys are "
                                   "field names or paths such as `payload.messages[0].content`.")


class ErrorResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=False)
    error = ErrorSerializer()
    request_id = serializers.CharField(allow_null=True)


# What any operation that reads a JSON body can answer before the view runs.
BODY_ERRORS = {
    400: "invalid_request (field errors, NUL or lone surrogates, nesting deeper than API_MAX_JSON_DEPTH) / "
         "malformed_json",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenApiResponse]:
    """``{status: OpenApiResponse(error body, description)}`` for ``extend_schema(responses=...)``."""
    return {code: OpenApiResponse(ErrorResponseSerializer, description=text) for code, text in descriptions.items()}


# What any path can answer, from the application or from nginx in front of it (deploy/nginx).
COMMON_ERRORS = {
    400: "disallowed_host (a Host header not in ALLOWED_HOSTS); bad_request (nginx: a malformed request or "
         "headers too large)",
    403: "csrf_failed (a browser session cookie without a CSRF token); permission_denied (generic)",
    404: "not_found (no such path)",
    405: "method_not_allowed",
    406: "not_acceptable (an Accept header that excludes application/json)",
    408: "request_timeout (nginx: the request was not received in time)",
    411: "length_required (nginx)",
    413: "payload_too_large (nginx: above NGINX_CLIENT_MAX_BODY_SIZE)",
    414: "request_line_too_long (nginx)",
    500: "internal_error (a bug: the test suite's fuzzing fails on any 500)",
    501: "not_implemented (nginx: unsupported method or transfer coding)",
    503: "service_unavailable (nginx: the application is starting or overloaded; retry)",
    504: "gateway_timeout (nginx: the application did not answer in time)",
}
# authentication_failed is DRF's generic 401; every authenticator here answers a specific code.
GENERIC_401 = "authentication_failed"


def document_common_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook: 406 on every operation (DRF's content negotiation answers it before
    the view), and the errors any path can answer in ``info.description``."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            operation.setdefault("responses", {}).setdefault("406", {
                "description": COMMON_ERRORS[406],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
            })
    lines = "\n".join(f"- {status} {text}" for status, text in COMMON_ERRORS.items())
    info = result.setdefault("info", {})
    info["description"] = (f"{info.get('description', '')}\n\nErrors are JSON: "
                           '`{"success": false, "error": {"code", "message", "fields"?}, "request_id"}`. '
                           f"Besides those listed on each operation, any path may answer:\n\n{lines}\n\n"
                           f"(401 {GENERIC_401} is DRF's generic code; the authenticators answer specific ones.)")
    return result
