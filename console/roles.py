"""The operator console's roles, as Django groups with model permissions.

- *operator*: every permission on the project's own models (tenants, keys, plans, guard
  configs, policy lists...).
- *support*: view permission on everything an operator sees (and the admin log), no
  change, add or delete anywhere, so billing and keys are out of reach.

The groups are created by a migration (``console/migrations/0001_roles.py``) and put
back in shape after every ``migrate``: the permissions here are the definition, edits
made to the two groups in the admin do not survive a deploy.
"""

from __future__ import annotations

from typing import Any

SUPPORT, OPERATOR = "support", "operator"
PROJECT_APPS = ("accounts", "billing", "guards", "policy")
SUPPORT_VIEW_APPS = (*PROJECT_APPS, "auth", "admin")


def roles_sync(*, group_model: Any, permission_model: Any) -> None:
    """Create the *support* and *operator* groups and set their permissions."""
    operator, _ = group_model.objects.get_or_create(name=OPERATOR)
    support, _ = group_model.objects.get_or_create(name=SUPPORT)
    operator.permissions.set(permission_model.objects.filter(content_type__app_label__in=PROJECT_APPS))
    support.permissions.set(permission_model.objects.filter(
        content_type__app_label__in=SUPPORT_VIEW_APPS, codename__startswith="view_"))


def roles_sync_signal(sender: Any, **kwargs: Any) -> None:
    """``post_migrate`` receiver (also after a test database flush)."""
    from django.contrib.auth.models import Group, Permission

    roles_sync(group_model=Group, permission_model=Permission)
