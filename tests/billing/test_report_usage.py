"""report_usage: unreported units to Stripe as meter events, exactly once, against the fake Stripe."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from billing.models import Plan, Subscription, UsageRecord, UsageReport
from billing.services.keys import now
from billing.services.reporting import usage_report
from tests.billing.fake_stripe import FakeStripe
from tests.fixtures.accounts import TenantFactory
from tests.support.processes import ROOT

pytestmark = pytest.mark.django_db


def paying_tenant(fake: FakeStripe, slug: str, plan: str = "pro"):  # type: ignore[no-untyped-def]
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")
    tenant = TenantFactory(slug=slug, plan=plan)
    customer = f"cus_{slug}"
    fake.customers[customer] = {"id": customer, "object": "customer"}
    Subscription.objects.filter(tenant=tenant).update(stripe_customer_id=customer, stripe_subscription_id=f"sub_{slug}")
    return tenant


def use(tenant, guard: str, units: int, days_ago: int = 0) -> None:  # type: ignore[no-untyped-def]
    day = now().date() - timedelta(days=days_ago)
    record, _ = UsageRecord.objects.get_or_create(tenant=tenant, guard=guard, day=day)
    UsageRecord.objects.filter(pk=record.pk).update(units=record.units + units)


def reported(tenant) -> int:  # type: ignore[no-untyped-def]
    return sum(UsageRecord.objects.filter(tenant=tenant).values_list("reported_units", flat=True))


def run() -> str:
    out = StringIO()
    call_command("report_usage", stdout=out)
    return out.getvalue()


def test_it_sends_each_days_unreported_units_once_and_prints_them(fake_stripe):
    acme = paying_tenant(fake_stripe, "acme")
    use(acme, "securityguard", 30)
    use(acme, "tokenguard", 12)
    use(acme, "securityguard", 5, days_ago=1)
    output = run()
    events = fake_stripe.meter_events.values()
    today, yesterday = now().date(), now().date() - timedelta(days=1)
    assert {e["identifier"]: e["payload"]["value"] for e in events} == {
        f"aig-{acme.pk}-{today:%Y%m%d}-1": "42", f"aig-{acme.pk}-{yesterday:%Y%m%d}-1": "5"}
    assert {e["event_name"] for e in events} == {"aiguardian_guard_requests"}
    assert {e["payload"]["stripe_customer_id"] for e in events} == {"cus_acme"}
    assert reported(acme) == 47
    assert "42 units sent" in output and "reported 47 units in 2 meter events" in output
    # a second run has nothing to send
    assert "reported 0 units in 0 meter events" in run()
    assert len(fake_stripe.calls("POST", "/v1/billing/meter_events")) == 2
    assert fake_stripe.metered_total() == 47


def test_units_added_after_a_run_go_in_a_new_batch(fake_stripe):
    acme = paying_tenant(fake_stripe, "acme")
    use(acme, "securityguard", 10)
    run()
    use(acme, "securityguard", 3)
    use(acme, "biasguard", 4)
    run()
    day = now().date()
    assert fake_stripe.meter_events[f"aig-{acme.pk}-{day:%Y%m%d}-2"]["payload"]["value"] == "7"
    assert fake_stripe.metered_total() == 17 == reported(acme)


def test_plans_without_a_stripe_price_and_tenants_without_a_customer_are_not_reported(fake_stripe):
    free = TenantFactory(slug="freeloader")
    Subscription.objects.filter(tenant=free).update(stripe_customer_id="cus_free")
    no_customer = TenantFactory(slug="nocustomer", plan="pro")
    use(free, "securityguard", 9)
    use(no_customer, "securityguard", 9)
    assert "reported 0 units" in run()
    assert not fake_stripe.requests
    assert reported(free) == reported(no_customer) == 0


def test_a_lost_answer_is_resent_with_the_same_identifier_and_counted_once(fake_stripe, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    acme = paying_tenant(fake_stripe, "acme")
    use(acme, "securityguard", 8)
    fake_stripe.fail("/v1/billing/meter_events", apply_first=True)  # Stripe took it; the 500 hides that
    with pytest.raises(CommandError, match="not delivered"):
        run()
    assert reported(acme) == 0
    report = UsageReport.objects.get()
    assert (report.status, report.units) == ("pending", 8)
    use(acme, "securityguard", 5)  # arrives meanwhile: not part of the report in flight
    output = run()
    assert "8 units sent" in output or "8 units already_sent" in output
    calls = fake_stripe.calls("POST", "/v1/billing/meter_events")
    assert calls[0].params["identifier"] == calls[1].params["identifier"]
    assert calls[0].params["timestamp"] == calls[1].params["timestamp"]
    assert fake_stripe.metered_total() == 8 == reported(acme)
    run()  # the 5 that arrived meanwhile, as batch 2
    assert fake_stripe.metered_total() == 13 == reported(acme)


def test_a_resend_refused_as_a_duplicate_identifier_counts_as_delivered(fake_stripe, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    acme = paying_tenant(fake_stripe, "acme")
    use(acme, "securityguard", 6)
    fake_stripe.fail("/v1/billing/meter_events", apply_first=True)
    usage_report()
    fake_stripe.idempotent.clear()  # the idempotency key expired: Stripe answers by identifier
    [outcome] = usage_report()
    assert outcome.status == "already_sent"
    assert fake_stripe.metered_total() == 6 == reported(acme)


def test_a_stripe_outage_mid_run_leaves_the_rest_for_the_next_run(fake_stripe, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    tenants = [paying_tenant(fake_stripe, slug) for slug in ("acme", "globex", "initech")]
    for n, tenant in enumerate(tenants, start=1):
        use(tenant, "securityguard", n * 10)
    fake_stripe.fail("/v1/billing/meter_events", times=2)  # the first report and its retry
    outcomes = usage_report()
    assert [o.status for o in outcomes] == ["unavailable", "sent", "sent"]
    assert [reported(t) for t in tenants] == [0, 20, 30]
    assert [o.status for o in usage_report()] == ["sent"]
    assert [reported(t) for t in tenants] == [10, 20, 30]
    assert fake_stripe.metered_total() == 60


def test_a_refused_report_is_marked_failed_and_its_units_stay_unreported(fake_stripe):
    acme = paying_tenant(fake_stripe, "acme")
    del fake_stripe.customers["cus_acme"]  # deleted in Stripe
    use(acme, "securityguard", 4)
    with pytest.raises(CommandError, match="refused"):
        run()
    assert UsageReport.objects.get().status == "failed"
    assert reported(acme) == 0


def test_stripe_off_is_one_line_and_claims_nothing(settings):
    settings.STRIPE_ENABLED = False
    with pytest.raises(CommandError, match="STRIPE_API_KEY"):
        run()
    assert not UsageReport.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded plans for later tests
def test_two_processes_at_once_do_not_double_report(fake_stripe):
    tenants = [paying_tenant(fake_stripe, f"t{n}") for n in range(4)]
    for n, tenant in enumerate(tenants, start=1):
        use(tenant, "securityguard", n)
        use(tenant, "tokenguard", 100 * n, days_ago=2)
    fake_stripe.meter_delay = 0.2  # both runs are in flight together
    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aiguardian.settings",
           "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "STRIPE_API_KEY": settings.STRIPE_API_KEY, "STRIPE_API_BASE": settings.STRIPE_API_BASE,
           "STRIPE_ENABLED": "true"}
    runs = [subprocess.Popen([sys.executable, "manage.py", "report_usage"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [proc.communicate(timeout=120) for proc in runs]
    assert [proc.returncode for proc in runs] == [0, 0], results
    expected = sum(n + 100 * n for n in range(1, 5))
    assert fake_stripe.metered_total() == expected
    assert sum(reported(t) for t in tenants) == expected
    assert len(fake_stripe.meter_events) == 8
    assert UsageReport.objects.filter(status="sent").count() == 8


def test_a_stripe_slower_than_the_timeout_leaves_the_report_pending(fake_stripe, settings):
    settings.STRIPE_TIMEOUT = 0.3
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    acme = paying_tenant(fake_stripe, "acme")
    use(acme, "securityguard", 3)
    fake_stripe.meter_delay = 1.0
    [outcome] = usage_report()
    assert outcome.status == "unavailable" and "APIConnectionError" in outcome.detail
    assert UsageReport.objects.get().status == "pending" and reported(acme) == 0
    fake_stripe.meter_delay = 0.0
    assert [o.status for o in usage_report()] in (["sent"], ["already_sent"])
    assert fake_stripe.metered_total() == 3 == reported(acme)


def test_a_run_stops_after_three_unreachable_reports_in_a_row(fake_stripe, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    for n in range(5):
        use(paying_tenant(fake_stripe, f"t{n}"), "securityguard", 1)
    fake_stripe.fail("/v1/billing/meter_events", times=100)
    assert [o.status for o in usage_report()] == ["unavailable"] * 3
    assert len(fake_stripe.calls("POST", "/v1/billing/meter_events")) == 3
