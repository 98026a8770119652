"""``{% console_dashboard %}``: the dashboard on the admin index."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from console.charts import guard_bars
from console.selectors import dashboard

register = template.Library()
VIEW_PERMISSION = "guards.view_guardrequest"


@register.inclusion_tag("admin/console/dashboard.html", takes_context=True)
def console_dashboard(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    if not request.user.has_perm(VIEW_PERMISSION):
        return {"visible": False}
    data = dashboard(now=timezone.now())
    for window in data["windows"]:
        window["chart"] = guard_bars(window["stats"], title=f"Requests per guard, {window['label'].lower()}")
    return {"visible": True, **data}
