"""Operator console pages outside the model admins. Thin: the work is in console.services."""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from console.forms import TryGuardForm
from console.services.try_guard import guard_try

TRY_PERMISSION = "guards.view_tenantguardconfig"


def try_guard(request: HttpRequest) -> HttpResponse:
    """Run a guard for a tenant and show the API's answer (audited as operator traffic, not billed)."""
    if not request.user.has_perm(TRY_PERMISSION):
        raise PermissionDenied
    form = TryGuardForm(request.POST or None, initial={"guard": request.GET.get("guard")})
    status = body = None
    if request.method == "POST" and form.is_valid():
        status, body = guard_try(tenant_id=form.cleaned_data["tenant"].pk, guard=form.cleaned_data["guard"],
                                 payload=form.payload(), request_id=request.request_id,  # type: ignore[attr-defined]
                                 request=request)
    return TemplateResponse(request, "admin/console/try_guard.html", {
        **admin.site.each_context(request), "title": "Try a guard", "form": form, "status": status,
        "body": body, "body_json": json.dumps(body, indent=2, ensure_ascii=False) if body is not None else "",
    })
