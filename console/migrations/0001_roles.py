"""The *support* and *operator* groups (see console.roles)."""

from django.db import migrations


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    from console.roles import roles_sync

    # Permissions are normally made after the whole migrate (post_migrate): make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    roles_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def drop_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("auth", "Group").objects.filter(name__in=("support", "operator")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("accounts", "0002_tenants_memberships_api_keys"),
        ("billing", "0003_dunning_usage_reports"),
        ("guards", "0004_tenant_policy"),
        ("policy", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
