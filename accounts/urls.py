"""URL routes of the accounts app (mounted under /api/v1/ by aiguardian/urls.py)."""

from django.urls import path

from accounts.views import KeyDetailApi, KeyListCreateApi, KeyRevokeApi
from accounts.webhooks import ClerkWebhookApi

app_name = "accounts"
urlpatterns = [
    path("keys", KeyListCreateApi.as_view(), name="keys"),
    path("keys/<str:prefix>", KeyDetailApi.as_view(), name="key-detail"),
    path("keys/<str:prefix>/revoke", KeyRevokeApi.as_view(), name="key-revoke"),
    path("webhooks/clerk", ClerkWebhookApi.as_view(), name="webhook-clerk"),
]
