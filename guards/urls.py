"""URL routes of the guards app (mounted under /api/v1/ by aiguardian/urls.py)."""

from django.urls import path

from guards import views

app_name = "guards"
urlpatterns = [
    path("guards/process", views.ProcessView.as_view(), name="process"),
    path("guards/scan", views.ScanView.as_view(), name="scan"),
    path("guards/services", views.ServicesView.as_view(), name="services"),
    path("guards/health", views.HealthView.as_view(), name="health"),
    path("guards/sessions/<str:session_id>", views.SessionView.as_view(), name="session"),
    path("guards/health/<str:service>", views.ServiceHealthView.as_view(), name="service-health"),
]
