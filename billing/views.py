"""Stripe webhook endpoint: a thin wrapper over :mod:`billing.stripe_events`.

Answers: 200 when applied, ignored (unknown type), already seen, or rejected (a signed
body the handlers cannot use: recorded as failed and acknowledged, because Stripe
retries anything but 2xx for days); 400 for a missing, bad or stale signature; 413
above ``DATA_UPLOAD_MAX_MEMORY_SIZE``; 503 when applying failed (recorded; Stripe
retries) or when no secret is configured. Never 500.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aiguardian.api import APIError
from aiguardian.openapi import ErrorSerializer, error_responses
from aiguardian.webhooks import UnusableEvent
from billing import stripe_events


class StripeWebhookResponseSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    status = serializers.ChoiceField(choices=("processed", "duplicate", "ignored", "rejected"))
    event_id = serializers.CharField(required=False)
    error = ErrorSerializer(required=False, help_text="Why a rejected event could not be used.")


class StripeWebhookApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="webhooks_stripe", request=None, tags=["webhooks"],
        responses={
            200: OpenApiResponse(StripeWebhookResponseSerializer, description="Applied, ignored, already seen, or "
                                 "rejected (a signed body that cannot be used; recorded as failed)."),
            **error_responses({
                400: "missing_signature / invalid_signature / stale_timestamp",
                413: "payload_too_large",
                503: "webhook_not_configured / event_processing_failed (recorded; Stripe retries) / "
                     "database_unavailable (the event could not be recorded; Stripe retries)",
            }),
        },
    )
    def post(self, request: Request) -> Response:
        payload = request.body  # the raw bytes Stripe signed; never request.data
        try:
            stripe_events.verify(payload=payload, signature=request.headers.get("Stripe-Signature"))
        except stripe_events.WebhookRejected as exc:
            raise APIError(exc.message, code=exc.code,
                           status_code=503 if exc.code == "webhook_not_configured" else 400) from None
        try:
            event = stripe_events.parse(payload)
        except UnusableEvent as exc:
            row = stripe_events.reject(payload=payload, reason=exc)
            return Response({"received": True, "status": "rejected", "event_id": row.event_id,
                             "error": exc.as_error()})
        try:
            outcome = stripe_events.process(event)
        except Exception:  # noqa: BLE001 - logged and recorded in process(); 503 makes Stripe retry
            raise APIError("Event could not be applied; retry later.", code="event_processing_failed",
                           status_code=503, headers={"Retry-After": "60"}) from None
        return Response({"received": True, "status": outcome.status, "event_id": outcome.event_id})
