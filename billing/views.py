"""Stripe webhook endpoint: a thin wrapper over :mod:`billing.stripe_events`."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aiguardian.api import error_body
from billing import stripe_events


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    request_id = getattr(request, "request_id", None)
    try:
        event = stripe_events.verify(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except stripe_events.WebhookRejected as exc:
        status = 503 if exc.code == "webhook_not_configured" else 400
        return JsonResponse(error_body(exc.code, exc.message, request_id), status=status)
    try:
        outcome = stripe_events.process(event)
    except Exception:  # noqa: BLE001 - logged in process(); 500 makes Stripe retry
        return JsonResponse(error_body("event_processing_failed", "Event could not be applied; retry later.",
                                       request_id), status=500)
    return JsonResponse({"received": True, "status": outcome.status, "event_id": outcome.event_id})
