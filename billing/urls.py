"""URL routes of the billing app (mounted under /api/v1/ by aiguardian/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "billing"
urlpatterns: list = []
