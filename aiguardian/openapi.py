"""OpenAPI pieces shared by every app's views: the error body and documented error responses.

Every operation lists each status it can answer (``extend_schema(responses=...)``), so a
client, and the schemathesis run in the test suite, can rely on the schema.
"""

from __future__ import annotations

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
