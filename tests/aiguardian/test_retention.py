"""Retention commands delete what is past its period and nothing else."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ClerkWebhookEvent
from billing.models import StripeEvent
from guards.models import GuardRequest
from tests.fixtures.accounts import TenantFactory

pytestmark = pytest.mark.django_db


def aged(model, days, **fields):
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(received_at=timezone.now() - timedelta(days=days))
    return row


def test_old_processed_webhook_events_go_and_failed_or_recent_ones_stay():
    old_done = aged(ClerkWebhookEvent, 40, svix_id="msg_old", event_type="user.created", payload={},
                    status="succeeded")
    old_failed = aged(ClerkWebhookEvent, 40, svix_id="msg_failed", event_type="user.created", payload={},
                      status="failed")
    recent = aged(ClerkWebhookEvent, 5, svix_id="msg_new", event_type="user.created", payload={},
                  status="succeeded")
    old_stripe = aged(StripeEvent, 40, event_id="evt_old", event_type="invoice.paid", payload={}, status="ignored")
    stripe_failed = aged(StripeEvent, 40, event_id="evt_failed", event_type="invoice.paid", payload={},
                         status="failed")
    out = io.StringIO()
    call_command("prune_webhook_events", "--batch-size", "1", stdout=out)
    assert "pruned 1 Clerk and 1 Stripe events older than 30 days" in out.getvalue()
    assert set(ClerkWebhookEvent.objects.values_list("pk", flat=True)) == {old_failed.pk, recent.pk}
    assert set(StripeEvent.objects.values_list("pk", flat=True)) == {stripe_failed.pk}
    assert not ClerkWebhookEvent.objects.filter(pk=old_done.pk).exists()
    assert not StripeEvent.objects.filter(pk=old_stripe.pk).exists()


def test_guard_requests_past_retention_are_pruned_in_batches():
    tenant = TenantFactory()
    now = timezone.now()
    for age in (100, 95, 10):
        GuardRequest.objects.create(request_id=f"r{age}", tenant=tenant, guard="tokenguard", outcome="success",
                                    latency_ms=1.0, created_at=now - timedelta(days=age))
    out = io.StringIO()
    call_command("prune_guard_requests", "--days", "90", "--batch-size", "1", stdout=out)
    assert "pruned 2 guard requests" in out.getvalue()
    assert list(GuardRequest.objects.values_list("request_id", flat=True)) == ["r10"]


def _three_guard_requests() -> None:
    tenant = TenantFactory()
    now = timezone.now()
    for age in (100, 20, 2):
        GuardRequest.objects.create(request_id=f"r{age}", tenant=tenant, guard="tokenguard", outcome="success",
                                    latency_ms=1.0, created_at=now - timedelta(days=age))


@pytest.mark.parametrize("command", ["prune_guard_requests", "prune_webhook_events"])
@pytest.mark.parametrize("days", ["0", "-1"])
def test_a_retention_below_one_day_is_refused_and_nothing_is_deleted(command, days):
    _three_guard_requests()
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command(command, "--days", days, "--yes")
    assert GuardRequest.objects.count() == 3


def test_a_shorter_period_than_configured_needs_yes():
    _three_guard_requests()
    with pytest.raises(CommandError, match="add --yes"):
        call_command("prune_guard_requests", "--days", "10")
    assert GuardRequest.objects.count() == 3
    out = io.StringIO()
    call_command("prune_guard_requests", "--days", "10", "--yes", stdout=out)
    assert "pruned 2 guard requests older than 10 days" in out.getvalue()
    assert list(GuardRequest.objects.values_list("request_id", flat=True)) == ["r2"]


def test_dry_run_counts_what_would_go_and_deletes_nothing():
    _three_guard_requests()
    out = io.StringIO()
    call_command("prune_guard_requests", "--days", "10", "--dry-run", stdout=out)
    assert "would prune 2 guard requests older than 10 days" in out.getvalue()
    assert GuardRequest.objects.count() == 3
