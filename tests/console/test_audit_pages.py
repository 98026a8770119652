"""Audit pages: a guard request's findings (type, offsets, score) without its text unless the tenant opted in."""

from __future__ import annotations

import pytest

from guards.models import GuardRequest, TenantGuardConfig

pytestmark = pytest.mark.django_db
TEXT = "Contact jane.doe@example.com for the report."


def _try(admin_client, tenant) -> GuardRequest:
    admin_client.post("/admin/console/try-guard/", {"tenant": tenant.pk, "guard": "securityguard", "text": TEXT})
    return GuardRequest.objects.get(tenant=tenant)


def test_a_request_shows_its_findings_with_offsets_and_scores_but_not_the_text(admin_client, tenant) -> None:
    row = _try(admin_client, tenant)
    finding = next(f for f in row.findings if f["type"] == "EMAIL")
    assert (finding["start"], finding["end"]) == (8, 28) and finding["score"] > 0 and finding["source"] == "text"
    page = admin_client.get(f"/admin/guards/guardrequest/{row.pk}/change/").content.decode()
    assert '<table class="findings">' in page and "<td>EMAIL</td>" in page and "<td>8</td><td>28</td>" in page
    assert "jane.doe@example.com" not in page and "Raw text" not in page


def test_the_text_is_shown_when_the_tenant_opted_in(admin_client, tenant) -> None:
    TenantGuardConfig.objects.filter(tenant=tenant, guard="securityguard").update(store_raw_text=True)
    row = _try(admin_client, tenant)
    page = admin_client.get(f"/admin/guards/guardrequest/{row.pk}/change/").content.decode()
    assert "jane.doe@example.com" in page


def test_requests_filter_by_tenant_guard_decision_and_outcome(admin_client, tenant) -> None:
    _try(admin_client, tenant)
    listing = admin_client.get("/admin/guards/guardrequest/", {
        "tenant__id__exact": tenant.pk, "guard": "securityguard", "outcome": "success",
        "client_type": "operator"}).content.decode()
    assert "securityguard" in listing and "0 guard requests" not in listing
    empty = admin_client.get("/admin/guards/guardrequest/", {"tenant__id__exact": tenant.pk, "guard": "biasguard"})
    assert "0 guard requests" in empty.content.decode()


def test_webhook_events_are_browsable_by_status_and_date_and_searchable_by_error(admin_client) -> None:
    from django.utils import timezone

    from billing.models import StripeEvent

    StripeEvent.objects.create(event_id="evt_1", event_type="invoice.paid", payload={}, status="failed",
                               error="no subscription for cus_9")
    StripeEvent.objects.create(event_id="evt_2", event_type="invoice.paid", payload={}, status="succeeded")
    today = timezone.now()
    listing = admin_client.get("/admin/billing/stripeevent/", {
        "status__exact": "failed", "received_at__year": today.year, "received_at__month": today.month,
        "q": "cus_9"}).content.decode()
    assert "evt_1" in listing and "evt_2" not in listing
