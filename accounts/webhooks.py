"""``POST /api/v1/webhooks/clerk``: verified Clerk (Svix) events, each applied once.

Answers: 200 when applied, acknowledged (unknown type) or already seen; 400 for a bad
or stale signature; 409 while another delivery of the same message is being applied;
500 when applying failed (Clerk retries; the failure is recorded on the event row).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from svix.webhooks import Webhook, WebhookVerificationError

from accounts.services import clerk_event_process
from aiguardian.api import APIError

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
        responses={200: OpenApiResponse(description="Applied, acknowledged or already seen.")},
    )
    def post(self, request: Request) -> Response:
        body = request.body  # the raw bytes Svix signed; never request.data
        headers = {h: request.headers.get(h, "") for h in _SIGNATURE_HEADERS}
        verify_clerk_signature(body, headers)
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise APIError("Body is not JSON.", code="malformed_json") from exc
        if not isinstance(event, dict):
            raise APIError("Body is not a JSON object.", code="malformed_json")
        outcome = clerk_event_process(svix_id=headers["svix-id"], event=event)
        if outcome.status == "in_progress":
            raise APIError("This event is being processed.", code="event_in_progress", status_code=409)
        if outcome.status == "failed":
            # The error detail is on the event row (admin); the response stays generic.
            raise APIError("Processing the event failed.", code="webhook_processing_failed", status_code=500)
        return Response({"received": True, "status": outcome.status}, status=status.HTTP_200_OK)
