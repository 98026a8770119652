"""Billing API: tenant self-service (status, Checkout, Customer Portal) and the Stripe webhook.

The self-service views are thin wrappers over :mod:`billing.services.checkout` and
:mod:`billing.selectors`, scoped to the tenant of the caller's Clerk session like the keys
API. The webhook wraps :mod:`billing.stripe_events`; it answers 200 when applied,
ignored (unknown type), already seen, stale (older than the state it would change), or
rejected (a signed body the handlers cannot use: recorded as failed and acknowledged,
because Stripe retries anything but 2xx for days); 400 for a missing, bad or stale
signature; 413 above ``DATA_UPLOAD_MAX_MEMORY_SIZE``; 503 when applying failed
(recorded; Stripe retries) or when no secret is configured. Never 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import stripe
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.authentication import ClerkSession
from accounts.models import Tenant
from accounts.permissions import IsTenantAdmin
from aiguardian.api import APIError
from aiguardian.openapi import BODY_ERRORS, ErrorSerializer, error_responses
from aiguardian.webhooks import UnusableEvent
from billing import selectors, stripe_events
from billing.services.checkout import SubscriptionExists, checkout_session_create, portal_session_create
from billing.services.stripe_api import BillingNotConfigured, StripeUnavailable, stripe_enabled

T = TypeVar("T")
logger = logging.getLogger(__name__)
_SESSION_ERRORS = {
    401: "not_authenticated / malformed_authorization / invalid_token / token_expired / unknown_user / "
         "user_inactive / tenant_inactive / invalid_api_key (API keys are checked first)",
    403: "api_key_not_allowed / no_active_organization / insufficient_role",
}
_STRIPE_ERRORS = {
    404: "not_found (the tenant is gone)",
    502: "billing_provider_error (Stripe refused the request)",
    503: "billing_not_configured / billing_provider_unavailable (Stripe unreachable; Retry-After) / "
         "auth_unavailable",
}


class IsBillingAdmin(IsTenantAdmin):
    action = "manage billing"


def _tenant(request: Request) -> Tenant:
    assert isinstance(request.auth, ClerkSession)  # guaranteed by IsBillingAdmin
    tenant = account_selectors.tenant_get(pk=request.auth.tenant_id)
    if tenant is None:
        raise NotFound("Tenant not found.")
    return tenant


def _with_stripe(call: Callable[[], T]) -> T:
    """Run a service that calls Stripe; its failures become the API's JSON errors."""
    if not stripe_enabled():
        raise APIError("Billing is not configured on this server.", code="billing_not_configured", status_code=503)
    try:
        return call()
    except BillingNotConfigured as exc:
        raise APIError(str(exc), code="billing_not_configured", status_code=503) from None
    except StripeUnavailable as exc:
        logger.warning("stripe unavailable: %s", exc)
        raise APIError("The billing provider is unavailable; retry shortly.", code="billing_provider_unavailable",
                       status_code=503, headers={"Retry-After": "30"}) from None
    except stripe.StripeError as exc:
        logger.warning("stripe refused a billing request: %s %s", type(exc).__name__, exc.user_message or exc.code)
        raise APIError("The billing provider refused the request.", code="billing_provider_error",
                       status_code=502) from exc


class SessionLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Send the user's browser here.")
    session_id = serializers.CharField()


class BillingPlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    rate_limit_per_minute = serializers.IntegerField()
    monthly_quota = serializers.IntegerField(allow_null=True)


class BillingOverviewSerializer(serializers.Serializer):
    plan = BillingPlanSerializer(help_text="The plan subscribed to.")
    effective_plan = serializers.CharField(help_text="The plan whose limits apply now (the default plan once a "
                                           "subscription lapsed or its grace period ended).")
    status = serializers.CharField()
    grace_until = serializers.DateTimeField(allow_null=True, help_text="Past due: paid limits end then.")
    current_period_end = serializers.DateTimeField(allow_null=True, help_text="End of Stripe's billing period.")
    period_start = serializers.DateTimeField(help_text="Start of the quota period (calendar month, UTC).")
    period_end = serializers.DateTimeField()
    usage_by_guard = serializers.DictField(child=serializers.IntegerField())
    usage_total = serializers.IntegerField()
    quota = serializers.IntegerField(allow_null=True)
    quota_remaining = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")
    has_billing_account = serializers.BooleanField()
    billing_enabled = serializers.BooleanField(help_text="False: Checkout and the portal answer 503.")


class BillingOverviewApi(APIView):
    permission_classes = [IsBillingAdmin]

    @extend_schema(operation_id="billing_retrieve", tags=["billing"],
                   responses={200: BillingOverviewSerializer,
                              **error_responses({**_SESSION_ERRORS, 404: "not_found (the tenant is gone)",
                                                 503: "auth_unavailable"})})
    def get(self, request: Request) -> Response:
        overview = selectors.billing_overview(tenant=_tenant(request))
        return Response(BillingOverviewSerializer(overview).data)


class CheckoutInputSerializer(serializers.Serializer):
    plan = serializers.SlugField(max_length=32, help_text="Code of a plan with a Stripe price.")


class CheckoutApi(APIView):
    permission_classes = [IsBillingAdmin]
    InputSerializer = CheckoutInputSerializer

    @extend_schema(operation_id="billing_checkout", tags=["billing"], request=CheckoutInputSerializer,
                   responses={200: SessionLinkSerializer,
                              **error_responses({**_SESSION_ERRORS, **BODY_ERRORS, **_STRIPE_ERRORS,
                                                 400: "invalid_request (unknown or unpaid plan) / malformed_json",
                                                 409: "subscription_exists (change plans in the portal)"})})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = _tenant(request)

        def create() -> Any:
            try:
                return checkout_session_create(tenant=tenant, plan_code=data.validated_data["plan"])
            except DjangoValidationError as exc:
                raise ValidationError(exc.message_dict) from None
            except SubscriptionExists as exc:
                raise APIError(str(exc), code="subscription_exists", status_code=409) from None

        return Response(SessionLinkSerializer(_with_stripe(create)).data)


class PortalApi(APIView):
    permission_classes = [IsBillingAdmin]

    @extend_schema(operation_id="billing_portal", tags=["billing"], request=None,
                   responses={200: SessionLinkSerializer, **error_responses({**_SESSION_ERRORS, **_STRIPE_ERRORS})})
    def post(self, request: Request) -> Response:
        tenant = _tenant(request)
        return Response(SessionLinkSerializer(_with_stripe(lambda: portal_session_create(tenant=tenant))).data)


class StripeWebhookResponseSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=("processed", "duplicate", "ignored", "stale", "rejected"),
        help_text="stale: older than the subscription's state (Stripe delivers out of order) or about another of the "
                  "tenant's subscriptions; recorded, not applied.")
    event_id = serializers.CharField(required=False)
    error = ErrorSerializer(required=False, help_text="Why a rejected event could not be used.")


class StripeWebhookApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="webhooks_stripe", request=None, tags=["webhooks"],
        responses={
            200: OpenApiResponse(StripeWebhookResponseSerializer, description="Applied, ignored, already seen, stale "
                                 "(older than the state it would change), or rejected (a signed body that cannot "
                                 "be used; recorded as failed)."),
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
