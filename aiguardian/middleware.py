"""Request-id middleware (accept a sane ``X-Request-ID`` or mint one, echo it back),
chunked request bodies, and the host check (health probes exempt)."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.functional import SimpleLazyObject, empty

from aiguardian.api import error_body
from aiguardian.logging import request_id_var

HEADER = "X-Request-ID"
# A client id is echoed into logs and responses: keep it short and printable.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _VALID.match(incoming) else str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class ChunkedBodyMiddleware:
    """Read a ``Transfer-Encoding: chunked`` body that comes without ``Content-Length``.

    Django sizes every body by ``Content-Length`` and reads an absent one as empty, so
    a chunked JSON request used to arrive as ``{}``. gunicorn decodes the chunks; this
    reads at most the larger body limit plus one byte (413 beyond, before any view) and
    hands Django the bytes with their length. Behind nginx, which buffers the body and
    sends ``Content-Length``, it does nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if not meta.get("CONTENT_LENGTH") and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            limit = max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, settings.GUARD_MAX_REQUEST_BYTES)
            body = meta["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return JsonResponse(error_body("payload_too_large", f"Request body is larger than {limit} bytes.",
                                               getattr(request, "request_id", None)), status=413)
            request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[attr-defined]
            meta["CONTENT_LENGTH"] = str(len(body))
        return self.get_response(request)


PROBE_PATHS = frozenset({"/health/live", "/health/ready"})


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's CommonMiddleware without the host check for ``GET``/``HEAD`` health probes.

    The probes arrive with whatever Host their sender knows: ``127.0.0.1:8000`` from the
    image's HEALTHCHECK and the ECS container check, the task's private IP from the ALB,
    over plain HTTP. ``ALLOWED_HOSTS`` holds the public name, so the host check here
    answered them 400 and the task never became healthy. Skipping it is safe for exactly
    these two paths: neither view reads, stores or echoes the Host header, which is all the
    check protects; every other path, and any other method, is checked as before. The
    HTTPS redirect skips them too (``SECURE_REDIRECT_EXEMPT``). The probes still run the
    whole chain, so metrics count them per view and status like any request.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.path_info in PROBE_PATHS and request.method in ("GET", "HEAD"):
            return None
        return super().process_request(request)


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's message middleware with the storage built when a request first uses it.

    Django builds a cookie storage and a session storage (a signer included) for every
    request and asks it to store on the way out; the API's requests never use messages, so
    that was the largest single middleware cost of a guarded request. Here the storage is a
    lazy object: ``messages.add_message``, ``get_messages`` and the template context
    processor build the same storage from the same request on first use, and a request that
    never touched it stores nothing, which is what Django's ``update`` does for an unused one.
    """

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
