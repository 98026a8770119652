"""Billing: plans, each tenant's subscription, metered usage and Stripe events."""

from __future__ import annotations

from django.db import models

from accounts.models import Tenant


class Plan(models.Model):
    """A price tier: its request rate limit and monthly quota, linked to a Stripe price."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    rate_limit_per_minute = models.PositiveIntegerField(help_text="Guard requests per minute per tenant.")
    monthly_quota = models.PositiveIntegerField(
        null=True, blank=True, help_text="Guard requests per calendar month (UTC); empty means unlimited."
    )
    stripe_price_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rate_limit_per_minute"]

    def __str__(self) -> str:
        return self.code


class Subscription(models.Model):
    """The plan a tenant is on, mirrored from Stripe when the tenant pays through Stripe."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        TRIALING = "trialing"
        PAST_DUE = "past_due"
        UNPAID = "unpaid"
        CANCELED = "canceled"
        INCOMPLETE = "incomplete"

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    stripe_customer_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    stripe_subscription_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(
        null=True, blank=True, help_text="When payment first failed; the paid limits last BILLING_GRACE_DAYS from here.")
    stripe_state_at = models.DateTimeField(
        null=True, blank=True, help_text="Creation time of the newest Stripe event applied; older ones are skipped.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant__slug"]

    def __str__(self) -> str:
        return f"{self.tenant} on {self.plan} ({self.status})"


class UsageRecord(models.Model):
    """Billable guard calls per tenant, guard and UTC day, added in the transaction that stores their audit rows."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="usage_records")
    guard = models.CharField(max_length=32)
    day = models.DateField()
    units = models.PositiveBigIntegerField(default=0)
    reported_units = models.PositiveBigIntegerField(default=0, help_text="Units already sent to Stripe.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "guard", "day"], name="usage_unique_day")]
        indexes = [models.Index(fields=["tenant", "day"])]
        ordering = ["-day", "tenant_id", "guard"]

    def __str__(self) -> str:
        return f"{self.tenant_id}/{self.guard}/{self.day}: {self.units}"


class UsageReport(models.Model):
    """One Billing Meter Event: a tenant's unreported units of one UTC day, claimed before sending.

    The row exists before the request goes out, so a run that dies after Stripe accepted
    resends the same ``identifier`` and value, which Stripe de-duplicates; ``guards``
    says which usage rows' ``reported_units`` advance once Stripe has accepted it.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="usage_reports")
    day = models.DateField()
    batch = models.PositiveIntegerField()
    identifier = models.CharField(max_length=100, unique=True)
    stripe_customer_id = models.CharField(max_length=100)
    units = models.PositiveBigIntegerField()
    guards = models.JSONField(help_text="Units per guard in this report.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "day", "batch"], name="usage_report_unique_batch")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.units} ({self.status})"


class TenantUsage(Tenant):
    """Tenants seen from billing: the admin's per-tenant usage totals."""

    class Meta:
        proxy = True
        verbose_name = "tenant usage"
        verbose_name_plural = "tenant usage"


class StripeEvent(models.Model):
    """Each Stripe event once: inserted first under a unique id, then processed."""

    class Status(models.TextChoices):
        RECEIVED = "received"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        IGNORED = "ignored"

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"
