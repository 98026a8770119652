"""Billing routes (mounted under /api/v1/)."""

from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("billing", views.BillingOverviewApi.as_view(), name="overview"),
    path("billing/checkout", views.CheckoutApi.as_view(), name="checkout"),
    path("billing/portal", views.PortalApi.as_view(), name="portal"),
    path("webhooks/stripe", views.StripeWebhookApi.as_view(), name="stripe-webhook"),
]
