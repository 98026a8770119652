"""Request size limit shared by the gateway's guard views and the guard service.

``Content-Length`` is checked before a byte of the body is read; the parser then
reads at most the limit plus one byte, so a chunked or lying request is cut off too.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from aiguardian.api import PayloadTooLarge


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body is larger than {settings.GUARD_MAX_REQUEST_BYTES} bytes.")


class LimitedJSONParser(JSONParser):
    """JSON parser that never reads more than ``GUARD_MAX_REQUEST_BYTES``."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = settings.GUARD_MAX_REQUEST_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise too_large()
        return super().parse(io.BytesIO(body), media_type, parser_context)


class SizeLimitedMixin:
    """APIView mixin: 413 on a declared ``Content-Length`` above the limit, before auth or parsing."""

    parser_classes = [LimitedJSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.GUARD_MAX_REQUEST_BYTES:
            raise too_large()
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
