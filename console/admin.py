"""The tenant page as the operator's home for one tenant.

It extends accounts' tenant admin with what lives in the apps above accounts: the
subscription and plan (billing), the guard configs (guards) and a usage chart, plus
links to issue a key (the secret shows once, on the key's add page) and to revoke one.
Inlines are read-only: the config and subscription pages save through their services
(cache invalidation, revisions), so edits go there.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.admin import APIKeyInline, TenantAdmin
from accounts.models import APIKey, Tenant
from billing.models import Subscription
from billing.services import usage_month_total
from console.charts import daily_columns
from console.selectors import month_start, tenant_daily_usage
from guards.models import TenantGuardConfig


class KeyInline(APIKeyInline):
    fields = (*APIKeyInline.fields, "revoke")
    readonly_fields = fields

    @admin.display(description="")
    def revoke(self, key: APIKey) -> str:
        if key.revoked_at is not None:
            return "revoked"
        return format_html('<a class="button" href="{}">Revoke</a>', reverse("console-key-revoke", args=[key.pk]))


class SubscriptionInline(admin.StackedInline):
    model = Subscription
    fields = ("plan", "status", "current_period_end", "past_due_since", "stripe_customer_id")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GuardConfigInline(admin.TabularInline):
    model = TenantGuardConfig
    fields = ("guard", "enabled", "mode", "failure_policy", "backend", "settings", "updated_at", "try_it")
    readonly_fields = fields
    show_change_link = True  # the schema form
    can_delete = False
    extra = 0

    @admin.display(description="")
    def try_it(self, config: TenantGuardConfig) -> str:
        return format_html('<a class="button" href="{}?tenant={}&amp;guard={}">Try</a>',
                           reverse("console-try-guard"), config.tenant_id, config.guard)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Tenant)


@admin.register(Tenant)
class ConsoleTenantAdmin(TenantAdmin):
    inlines = (*TenantAdmin.inlines[:1], KeyInline, SubscriptionInline, GuardConfigInline)
    readonly_fields = (*TenantAdmin.readonly_fields, "issue_key", "usage_this_month")

    def get_inlines(self, request: HttpRequest, obj: Tenant | None) -> Any:
        # A new tenant gets its subscription and guard configs when it is saved (tenant_created).
        return self.inlines if obj is not None else TenantAdmin.inlines

    @admin.display(description="API keys")
    def issue_key(self, tenant: Tenant) -> str:
        if tenant.pk is None:
            return "Save the tenant first."
        return format_html('<a class="button" id="issue-key" href="{}?tenant={}">Issue a key</a> '
                           "(the secret is shown once)", reverse("admin:accounts_apikey_add"), tenant.pk)

    @admin.display(description="Usage this month")
    def usage_this_month(self, tenant: Tenant) -> SafeString | str:
        if tenant.pk is None:
            return "-"
        now = timezone.now()
        start = month_start(now)
        rows = tenant_daily_usage(tenant_id=tenant.pk, since=start)
        days = [(start + timedelta(days=i)).date() for i in range((now - start).days + 1)]
        totals: dict[str, dict[str, int]] = {}
        for row in rows:
            guard = totals.setdefault(row.guard, {"requests": 0, "blocks": 0, "flags": 0})
            for part in guard:
                guard[part] += getattr(row, part)
        return render_to_string("admin/console/tenant_usage.html", {
            "chart": daily_columns(rows, days=days, title=f"{tenant.slug}: requests per day and guard"),
            "totals": sorted(totals.items()), "billed": usage_month_total(tenant_id=tenant.pk),
        })
