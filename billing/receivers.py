"""Put every new tenant on a plan (the one asked for, or the default)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import tenant_created
from billing import services


@receiver(tenant_created, dispatch_uid="billing.assign_plan")
def assign_plan(sender: Any, tenant: Any, plan: str | None = None, **kwargs: Any) -> None:
    services.plan_assign(tenant=tenant, plan_code=plan)
