"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from aiguardian import health

handler400 = "aiguardian.api.bad_request"
handler403 = "aiguardian.api.permission_denied"
handler404 = "aiguardian.api.not_found"
handler500 = "aiguardian.api.server_error"

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    # The guard API answers nearly every request: tried first, it resolves in a few checks
    # (behind eight includes it cost ~0.1 ms a request). None of its routes matches another
    # app's path (policy's guards/feedback included), so nothing is shadowed.
    path("api/v1/", include("guards.urls")),
    path("", include("django_prometheus.urls")),  # /metrics
    path("admin/console/", include("console.urls")),  # before the admin: its catch-all would 404 it
    path("admin/", admin.site.urls),
    path("api/v1/", include("accounts.urls")),
    path("api/v1/", include("billing.urls")),
    path("api/v1/", include("policy.urls")),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("docs/redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
