"""Operator console pages outside the model admins. Thin: the work is in console.services."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.models import APIKey
from accounts.services import api_key_revoke
from console.forms import TryGuardForm
from console.services.try_guard import guard_try

TRY_PERMISSION = "guards.view_tenantguardconfig"


def try_guard(request: HttpRequest) -> HttpResponse:
    """Run a guard for a tenant and show the API's answer (audited as operator traffic, not billed)."""
    if not request.user.has_perm(TRY_PERMISSION):
        raise PermissionDenied
    form = TryGuardForm(request.POST or None, initial={"guard": request.GET.get("guard"),
                                                       "tenant": request.GET.get("tenant")})
    status = body = None
    if request.method == "POST" and form.is_valid():
        status, body = guard_try(tenant_id=form.cleaned_data["tenant"].pk, guard=form.cleaned_data["guard"],
                                 payload=form.payload(), request_id=request.request_id,  # type: ignore[attr-defined]
                                 request=request)
    return TemplateResponse(request, "admin/console/try_guard.html", {
        **admin.site.each_context(request), "title": "Try a guard", "form": form, "status": status,
        "body": body, "body_json": json.dumps(body, indent=2, ensure_ascii=False) if body is not None else "",
    })


def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then revoke one key (from the tenant page); logged in the admin log."""
    if not request.user.has_perm("accounts.change_apikey"):
        raise PermissionDenied
    key = get_object_or_404(APIKey.objects.select_related("tenant"), pk=pk)
    back = reverse("admin:accounts_tenant_change", args=[key.tenant_id])
    if request.method == "POST":
        api_key_revoke(key=key)
        LogEntry.objects.log_actions(user_id=request.user.pk, queryset=[key], action_flag=CHANGE,  # type: ignore[arg-type]
                                     change_message="Revoked.", single_object=True)
        messages.success(request, f"Revoked API key aig_{key.prefix}_… ({key.name}).")
        return HttpResponseRedirect(back)
    return TemplateResponse(request, "admin/console/key_revoke.html", {
        **admin.site.each_context(request), "title": "Revoke an API key", "key": key, "back": back,
        "opts": APIKey._meta,
    })
