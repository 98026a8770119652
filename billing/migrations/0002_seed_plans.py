"""Seed the three standard plans; operators change limits and Stripe prices in the admin."""

from django.db import migrations

PLANS = [
    {"code": "free", "name": "Free", "rate_limit_per_minute": 60, "monthly_quota": 10_000},
    {"code": "pro", "name": "Pro", "rate_limit_per_minute": 600, "monthly_quota": 1_000_000},
    {"code": "enterprise", "name": "Enterprise", "rate_limit_per_minute": 6_000, "monthly_quota": None},
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in PLANS:
        Plan.objects.get_or_create(code=plan["code"], defaults=plan)


def unseed(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(code__in=[p["code"] for p in PLANS],
                                                     subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_plans_subscriptions_usage")]
    operations = [migrations.RunPython(seed, unseed)]
