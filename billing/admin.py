"""Operators manage plans and see subscriptions, usage (per tenant, reported or not) and Stripe events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import F, Q, QuerySet, Sum
from django.http import HttpRequest

from billing import stripe_events
from billing.models import Plan, StripeEvent, Subscription, TenantUsage, UsageRecord, UsageReport
from billing.selectors import month_bounds
from billing.services.keys import now


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rate_limit_per_minute", "monthly_quota", "stripe_price_id", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "stripe_price_id")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("tenant", "plan", "status", "past_due_since", "stripe_customer_id", "current_period_end",
                    "updated_at")
    list_filter = ("status", "plan")
    list_select_related = ("tenant", "plan")
    search_fields = ("tenant__slug", "tenant__name", "stripe_customer_id", "stripe_subscription_id")
    raw_id_fields = ("tenant",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        from billing.services import limits_invalidate

        limits_invalidate(tenant_id=obj.tenant_id)


class UnreportedFilter(admin.SimpleListFilter):
    title = "reported to Stripe"
    parameter_name = "reported"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Has unreported units"), ("yes", "Fully reported")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "no":
            return queryset.filter(units__gt=F("reported_units"))
        if self.value() == "yes":
            return queryset.filter(units=F("reported_units"))
        return queryset


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    list_display = ("day", "tenant", "guard", "units", "reported_units", "unreported")
    list_filter = (UnreportedFilter, "guard", "day")
    list_select_related = ("tenant",)
    search_fields = ("tenant__slug",)
    date_hierarchy = "day"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.display(description="unreported")
    def unreported(self, obj: UsageRecord) -> int:
        return obj.units - obj.reported_units


@admin.register(TenantUsage)
class TenantUsageAdmin(admin.ModelAdmin):
    """This month's units per tenant (UTC calendar month, the quota period), split by what Stripe has."""

    list_display = ("slug", "name", "plan", "period_units", "period_reported", "period_unreported",
                    "unreported_total")
    search_fields = ("slug", "name")
    ordering = ("slug",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        first = month_bounds(now())[0]
        period = Q(usage_records__day__gte=first)
        return super().get_queryset(request).select_related("subscription__plan").annotate(
            period_units_sum=Sum("usage_records__units", filter=period, default=0),
            period_reported_sum=Sum("usage_records__reported_units", filter=period, default=0),
            all_units_sum=Sum("usage_records__units", default=0),
            all_reported_sum=Sum("usage_records__reported_units", default=0),
        )

    @admin.display(description="plan")
    def plan(self, obj: Any) -> str:
        subscription = getattr(obj, "subscription", None)
        return subscription.plan.code if subscription else "-"

    @admin.display(description="units this month", ordering="period_units_sum")
    def period_units(self, obj: Any) -> int:
        return int(obj.period_units_sum)

    @admin.display(description="reported this month")
    def period_reported(self, obj: Any) -> int:
        return int(obj.period_reported_sum)

    @admin.display(description="unreported this month")
    def period_unreported(self, obj: Any) -> int:
        return int(obj.period_units_sum - obj.period_reported_sum)

    @admin.display(description="unreported (all time)")
    def unreported_total(self, obj: Any) -> int:
        return int(obj.all_units_sum - obj.all_reported_sum)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UsageReport)
class UsageReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "tenant", "day", "batch", "units", "status", "attempts", "sent_at")
    list_filter = ("status",)
    list_select_related = ("tenant",)
    search_fields = ("tenant__slug", "identifier", "stripe_customer_id")
    readonly_fields = ("tenant", "day", "batch", "identifier", "stripe_customer_id", "units", "guards", "status",
                       "error", "attempts", "created_at", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class StripeEventTenantFilter(admin.SimpleListFilter):
    """Events about one tenant: its Stripe customer, or Checkout/customer metadata naming it.

    Stripe events carry no tenant column; the customer id (or the tenant id we put in the
    metadata at checkout) inside the stored payload is what ties an event to a tenant.
    """

    title = "tenant"
    parameter_name = "tenant"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        subscriptions = Subscription.objects.exclude(stripe_customer_id=None).select_related("tenant")
        return [(str(s.tenant_id), s.tenant.slug) for s in subscriptions.order_by("tenant__slug")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[StripeEvent]) -> QuerySet[StripeEvent]:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        match = Q(payload__data__object__metadata__tenant_id=value)
        customer = Subscription.objects.filter(tenant_id=int(value)).values_list("stripe_customer_id", flat=True).first()
        if customer:
            match |= Q(payload__data__object__customer=customer) | Q(payload__data__object__id=customer)
        return queryset.filter(match)


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "event_type", "event_id", "status", "attempts")
    list_filter = ("status", "event_type", StripeEventTenantFilter)
    search_fields = ("event_id", "error")
    date_hierarchy = "received_at"  # the dashboard's "recent webhook failures" link here
    readonly_fields = ("event_id", "event_type", "payload", "status", "error", "attempts", "received_at",
                       "processed_at")
    actions = ["reprocess"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="Reprocess selected events (stale ones are skipped again)")
    def reprocess(self, request: HttpRequest, queryset: QuerySet[StripeEvent]) -> None:
        done: dict[str, int] = {}
        for row in queryset.order_by("received_at"):
            try:
                status = stripe_events.event_reprocess(row=row).status
            except stripe_events.UnusableEvent as exc:
                status = "unusable"
                self.message_user(request, f"{row.event_id}: cannot be applied ({exc.message})", messages.WARNING)
            except Exception as exc:  # noqa: BLE001 - recorded on the row by the service
                status = "failed"
                self.message_user(request, f"{row.event_id}: failed again ({type(exc).__name__})", messages.ERROR)
            done[status] = done.get(status, 0) + 1
        summary = ", ".join(f"{count} {status}" for status, count in sorted(done.items()))
        self.message_user(request, f"Reprocessed {sum(done.values())} event(s): {summary}.")
