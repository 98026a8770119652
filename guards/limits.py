"""Request size limit shared by the gateway's guard views and the guard service.

``Content-Length`` is checked before a byte of the body is read; the parser then
reads at most the limit plus one byte, so a chunked or lying request is cut off too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request

from aiguardian.api import PayloadTooLarge
from aiguardian.input_rules import CheckedJSONParser


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge.over(settings.GUARD_MAX_REQUEST_BYTES)


class LimitedJSONParser(CheckedJSONParser):
    """The input rules' JSON parser, reading at most ``GUARD_MAX_REQUEST_BYTES``."""

    def max_bytes(self) -> int:
        return settings.GUARD_MAX_REQUEST_BYTES


def size_check(request: Request) -> None:
    """413 on a declared ``Content-Length`` above the limit (before a byte of the body is read)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.GUARD_MAX_REQUEST_BYTES:
        raise too_large()


class SizeLimitedMixin:
    """APIView mixin: 413 on a declared ``Content-Length`` above the limit, before auth or parsing."""

    parser_classes = [LimitedJSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        size_check(request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
