"""sync_stripe_plans: Plan rows from Stripe prices with metadata.aiguardian_plan (fake Stripe)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import Plan
from billing.services import plan_limits_get
from billing.services import plan_sync as plan_sync_module
from tests.fixtures.accounts import TenantFactory

pytestmark = pytest.mark.django_db


def sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_stripe_plans", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def catalog(fake_stripe):  # type: ignore[no-untyped-def]
    fake_stripe.add_price("price_pro_v2", product_name="Pro",
                          product_metadata={"aiguardian_plan": "pro", "aiguardian_rate_limit_per_minute": "900"})
    fake_stripe.add_price("price_team", product_name="Team", price_metadata={
        "aiguardian_plan": "team", "aiguardian_rate_limit_per_minute": "300", "aiguardian_monthly_quota": "250000"})
    fake_stripe.add_price("price_ent", product_name="Enterprise", price_metadata={
        "aiguardian_plan": "enterprise", "aiguardian_monthly_quota": "unlimited"})
    fake_stripe.add_price("price_unrelated", product_name="T-shirt")
    fake_stripe.add_price("price_old", product_name="Old", active=False, price_metadata={"aiguardian_plan": "old",
                          "aiguardian_rate_limit_per_minute": "1"})
    return fake_stripe


def test_dry_run_prints_the_diff_and_writes_nothing(catalog):
    before = list(Plan.objects.values())
    output = sync("--dry-run")
    assert "update pro: stripe_price_id None -> 'price_pro_v2'; rate_limit_per_minute 600 -> 900" in output
    assert "create team:" in output and "'price_team'" in output
    assert "update enterprise: stripe_price_id None -> 'price_ent'" in output
    assert "old" not in output
    assert output.strip().endswith("1 created, 2 updated, 0 skipped (dry run: nothing written)")
    assert list(Plan.objects.values()) == before


def test_sync_applies_prices_and_limits_and_is_idempotent(catalog):
    tenant = TenantFactory(slug="acme", plan="pro")
    assert plan_limits_get(tenant_id=tenant.pk).rate_limit_per_minute == 600  # cached
    sync()
    pro, team, ent = (Plan.objects.get(code=c) for c in ("pro", "team", "enterprise"))
    assert (pro.stripe_price_id, pro.rate_limit_per_minute, pro.monthly_quota) == ("price_pro_v2", 900, 1_000_000)
    assert (team.name, team.rate_limit_per_minute, team.monthly_quota) == ("Team", 300, 250_000)
    assert (ent.stripe_price_id, ent.monthly_quota) == ("price_ent", None)
    assert not Plan.objects.filter(code="old").exists()
    assert plan_limits_get(tenant_id=tenant.pk).rate_limit_per_minute == 900  # the cache was dropped
    again = sync()
    assert "0 created, 0 updated" in again and "unchanged pro" in again


def test_a_price_moving_to_another_plan_is_freed_first(catalog):
    Plan.objects.filter(code="free").update(stripe_price_id="price_team")
    sync()
    assert Plan.objects.get(code="team").stripe_price_id == "price_team"
    assert Plan.objects.get(code="free").stripe_price_id is None


def test_unusable_metadata_is_skipped_and_reported(fake_stripe):
    fake_stripe.add_price("price_a", product_name="A", price_metadata={"aiguardian_plan": "dup",
                          "aiguardian_rate_limit_per_minute": "5"})
    fake_stripe.add_price("price_b", product_name="B", price_metadata={"aiguardian_plan": "dup",
                          "aiguardian_rate_limit_per_minute": "5"})
    fake_stripe.add_price("price_c", product_name="C", price_metadata={"aiguardian_plan": "bad",
                          "aiguardian_rate_limit_per_minute": "fast"})
    fake_stripe.add_price("price_d", product_name="D", price_metadata={"aiguardian_plan": "nolimit"})
    output = sync()
    assert "skip dup: claimed by several active prices (price_a, price_b)" in output
    assert "skip price_c: aiguardian_rate_limit_per_minute must be a positive integer" in output
    assert "skip nolimit: a new plan needs aiguardian_rate_limit_per_minute" in output
    assert not Plan.objects.filter(code__in=["dup", "bad", "nolimit"]).exists()


def test_a_plan_whose_price_left_stripe_is_reported_not_changed(fake_stripe):
    Plan.objects.filter(code="pro").update(stripe_price_id="price_gone")
    output = sync()
    assert "stale pro: price price_gone is not active in Stripe" in output
    assert Plan.objects.get(code="pro").stripe_price_id == "price_gone"


def test_every_page_of_prices_is_read(fake_stripe, monkeypatch):
    monkeypatch.setattr(plan_sync_module, "PAGE_SIZE", 2)
    for n in range(5):
        fake_stripe.add_price(f"price_{n}", product_name=f"P{n}", price_metadata={
            "aiguardian_plan": f"p{n}", "aiguardian_rate_limit_per_minute": "10"})
    sync()
    assert Plan.objects.filter(code__startswith="p", stripe_price_id__startswith="price_").count() == 5
    assert len(fake_stripe.calls("GET", "/v1/prices")) == 3


def test_stripe_off_is_one_line(settings):
    settings.STRIPE_API_KEY = ""
    with pytest.raises(CommandError, match="STRIPE_API_KEY"):
        sync()
