"""URL routes of the policy app (mounted under /api/v1/ by aiguardian/urls.py)."""

from django.urls import path

from policy import views

app_name = "policy"
urlpatterns = [
    path("guards/feedback", views.FeedbackView.as_view(), name="feedback"),
    path("policy/lists", views.ListEntriesApi.as_view(), name="lists"),
    path("policy/lists/<int:entry_id>", views.ListEntryApi.as_view(), name="list-entry"),
    path("policy/guards", views.GuardPoliciesApi.as_view(), name="guards"),
    path("policy/guards/<str:guard>", views.GuardPolicyApi.as_view(), name="guard"),
    path("policy/history", views.HistoryApi.as_view(), name="history"),
    path("policy/history/<int:version>/revert", views.RevertApi.as_view(), name="revert"),
]
