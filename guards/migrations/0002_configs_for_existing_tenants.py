"""Tenants created before the guards app existed get every guard, like new ones do."""

from django.db import migrations

GUARD_NAMES = ("tokenguard", "trustguard", "contextguard", "biasguard", "securityguard", "healthguard")


def create_configs(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    TenantGuardConfig = apps.get_model("guards", "TenantGuardConfig")
    TenantGuardConfig.objects.bulk_create(
        [TenantGuardConfig(tenant_id=t, guard=g) for t in Tenant.objects.values_list("pk", flat=True)
         for g in GUARD_NAMES],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("guards", "0001_initial")]
    operations = [migrations.RunPython(create_configs, migrations.RunPython.noop)]
