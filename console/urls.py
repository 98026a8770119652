from django.contrib import admin
from django.urls import path

from console import views

urlpatterns = [
    path("try-guard/", admin.site.admin_view(views.try_guard), name="console-try-guard"),
]
urlpatterns += [
    path("keys/<int:pk>/revoke/", admin.site.admin_view(views.key_revoke), name="console-key-revoke"),
]
