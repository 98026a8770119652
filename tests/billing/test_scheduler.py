"""billing_scheduler: the compose scheduler container's loop over flush_usage and report_usage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from billing.models import Plan, Subscription, UsageRecord
from billing.services.keys import now
from tests.fixtures.accounts import TenantFactory
from tests.support.processes import ROOT

pytestmark = pytest.mark.django_db


def test_once_runs_both_jobs_and_reports_usage(fake_stripe):
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")
    tenant = TenantFactory(slug="acme", plan="pro")
    fake_stripe.customers["cus_acme"] = {"id": "cus_acme"}
    Subscription.objects.filter(tenant=tenant).update(stripe_customer_id="cus_acme")
    UsageRecord.objects.create(tenant=tenant, guard="securityguard", day=now().date(), units=11)
    out = StringIO()
    call_command("billing_scheduler", "--once", stdout=out)
    assert "flush_usage: flushed 0 usage units" in out.getvalue()
    assert "report_usage:" in out.getvalue() and "reported 11 units in 1 meter events" in out.getvalue()
    assert fake_stripe.metered_total() == 11


def test_a_failing_job_does_not_stop_the_other(settings):
    settings.STRIPE_API_KEY = ""
    out = StringIO()
    with pytest.raises(CommandError, match="failed: report_usage"):
        call_command("billing_scheduler", "--once", stdout=out)
    assert "flush_usage: flushed" in out.getvalue()
    assert "report_usage failed: Billing is not configured" in out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded plans for later tests
def test_the_loop_repeats_and_stops_cleanly_on_sigterm():
    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "STRIPE_API_KEY": "",
           "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "manage.py", "billing_scheduler", "--flush-every", "1",
                             "--report-every", "3600"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    seen: list[str] = []
    deadline = time.monotonic() + 60  # start-up is slow on a busy machine
    try:
        while time.monotonic() < deadline and sum("flush_usage: flushed" in line for line in seen) < 2:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            seen.append(line)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    out = "".join(seen) + rest
    assert proc.returncode == 0
    assert out.count("flush_usage: flushed") >= 2  # every second
    assert out.count("report_usage failed") == 1  # once an hour
