"""DRF's content negotiation, with the answer for the API's usual request given without parsing.

The API renders and parses JSON only. A request that sends no ``Accept`` (or ``*/*`` or
``application/json``), no query string (no ``?format=``) and a body of type
``application/json`` gets exactly what :class:`DefaultContentNegotiation` would answer for it
(the JSON renderer with ``application/json``; the first parser when it is the JSON one) without
the Accept-header parse and media-type matching it does on every request. Anything else is
DRF's own negotiation (``tests/aiguardian/test_negotiation.py`` compares the two).
"""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation

JSON = "application/json"
_PLAIN_ACCEPTS = frozenset({"*/*", JSON})


class JSONContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        meta = request._request.META
        if (not format_suffix and len(renderers) == 1 and renderers[0].media_type == JSON
                and meta.get("HTTP_ACCEPT", "*/*") in _PLAIN_ACCEPTS and not meta.get("QUERY_STRING")):
            return renderers[0], JSON
        return super().select_renderer(request, renderers, format_suffix)

    def select_parser(self, request: Any, parsers: Any) -> Any:
        if parsers and parsers[0].media_type == JSON and request._request.META.get("CONTENT_TYPE") == JSON:
            return parsers[0]
        return super().select_parser(request, parsers)
