"""Billing routes (mounted under /api/v1/)."""

from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("webhooks/stripe", views.StripeWebhookApi.as_view(), name="stripe-webhook"),
]
