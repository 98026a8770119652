"""``POST /api/v1/webhooks/clerk``: verified Clerk (Svix) events, each applied once.

Answers: 200 when applied, acknowledged (unknown type) or already seen; 400 for a bad
or stale signature; 400 with ``webhook-delivery: abort-message`` for a signed body the
handlers cannot use (recorded as failed; Svix stops retrying it); 409 while another
delivery of the same message is being applied; 413 above ``DATA_UPLOAD_MAX_MEMORY_SIZE``;
503 when applying failed (recorded on the event row; Svix retries). Never 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from svix.webhooks import Webhook, WebhookVerificationError

from accounts.services import clerk_event_parse, clerk_event_process, clerk_event_reject
from aiguardian.api import APIError
from aiguardian.openapi import error_responses
from aiguardian.webhooks import SVIX_ABORT_HEADERS, UnusableEvent

logger = logging.getLogger(__name__)

_SIGNATURE_HEADERS = ("svix-id", "svix-timestamp", "svix-signature")


def verify_clerk_signature(body: bytes, headers: dict[str, str]) -> None:
    """Raise :class:`APIError` (400) unless Svix's signature and timestamp check pass."""
    if not settings.CLERK_WEBHOOK_SECRET:
        raise APIError("Clerk webhooks are not configured.", code="webhook_not_configured", status_code=503)
    if not all(headers.get(h) for h in _SIGNATURE_HEADERS):
        raise APIError("Missing Svix signature headers.", code="missing_signature_headers")
    try:
        Webhook(settings.CLERK_WEBHOOK_SECRET).verify(body, headers)
    except WebhookVerificationError as exc:
        if "too old" in str(exc) or "too new" in str(exc):
            raise APIError("Webhook timestamp outside the tolerance.", code="stale_timestamp") from exc
        raise APIError("Invalid webhook signature.", code="invalid_signature") from exc
    except (ValueError, UnicodeDecodeError) as exc:  # malformed signature header or body
        raise APIError("Invalid webhook signature.", code="invalid_signature") from exc


class ClerkWebhookApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="webhooks_clerk", request=None, tags=["webhooks"],
        responses={
            200: OpenApiResponse(description="Applied, acknowledged or already seen."),
            **error_responses({
                400: "missing_signature_headers / invalid_signature / stale_timestamp; or, with "
                     "`webhook-delivery: abort-message`, a signed body that cannot be used (recorded as failed): "
                     "malformed_json / malformed_event / invalid_request",
                409: "event_in_progress",
                413: "payload_too_large",
                503: "webhook_not_configured / webhook_processing_failed (recorded; Svix retries) / "
                     "database_unavailable (the event could not be recorded; Svix retries)",
            }),
        },
    )
    def post(self, request: Request) -> Response:
        body = request.body  # the raw bytes Svix signed; never request.data
        headers = {h: request.headers.get(h, "") for h in _SIGNATURE_HEADERS}
        verify_clerk_signature(body, headers)
        try:
            event = clerk_event_parse(svix_id=headers["svix-id"], body=body)
        except UnusableEvent as exc:
            clerk_event_reject(svix_id=headers["svix-id"], body=body, reason=exc)
            raise APIError(exc.message, code=exc.code, fields=exc.fields, headers=SVIX_ABORT_HEADERS) from None
        outcome = clerk_event_process(svix_id=headers["svix-id"], event=event)
        if outcome.status == "in_progress":
            raise APIError("This event is being processed.", code="event_in_progress", status_code=409)
        if outcome.status == "failed":
            # The error detail is on the event row (admin); the response stays generic.
            raise APIError("Processing the event failed; retry later.", code="webhook_processing_failed",
                           status_code=503, headers={"Retry-After": "60"})
        return Response({"received": True, "status": outcome.status}, status=status.HTTP_200_OK)
