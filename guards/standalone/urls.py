"""Routes of a guard service."""

from django.urls import path
from django_prometheus.exports import ExportToDjangoView

from aiguardian import health
from guards.standalone import views

handler400 = "aiguardian.api.bad_request"
handler403 = "aiguardian.api.permission_denied"
handler404 = "aiguardian.api.not_found"
handler500 = "aiguardian.api.server_error"

urlpatterns = [
    path("process", views.ProcessView.as_view(), name="process"),
    path("health", views.HealthView.as_view(), name="health"),
    path("health/live", health.live, name="health-live"),
    path("metrics", ExportToDjangoView, name="metrics"),
]
