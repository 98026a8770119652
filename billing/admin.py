"""Operators manage plans and see subscriptions, usage and Stripe events."""

from django.contrib import admin

from billing.models import Plan, StripeEvent, Subscription, UsageRecord


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rate_limit_per_minute", "monthly_quota", "stripe_price_id", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "stripe_price_id")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("tenant", "plan", "status", "stripe_customer_id", "current_period_end", "updated_at")
    list_filter = ("status", "plan")
    list_select_related = ("tenant", "plan")
    search_fields = ("tenant__slug", "tenant__name", "stripe_customer_id", "stripe_subscription_id")
    raw_id_fields = ("tenant",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        from billing.services import limits_invalidate

        limits_invalidate(tenant_id=obj.tenant_id)


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    list_display = ("day", "tenant", "guard", "units", "reported_units")
    list_filter = ("guard", "day")
    list_select_related = ("tenant",)
    search_fields = ("tenant__slug",)
    date_hierarchy = "day"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "event_type", "event_id", "status", "attempts")
    list_filter = ("status", "event_type")
    search_fields = ("event_id",)
    readonly_fields = ("event_id", "event_type", "payload", "status", "error", "attempts", "received_at",
                       "processed_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
