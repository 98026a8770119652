"""URL routes of the policy app (mounted under /api/v1/ by aiguardian/urls.py)."""

from django.urls import path

from policy import views

app_name = "policy"
urlpatterns = [
    path("guards/feedback", views.FeedbackView.as_view(), name="feedback"),
]
