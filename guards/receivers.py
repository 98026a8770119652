"""Signal receivers (connected in ``GuardsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from guards.services.config import tenant_guard_configs_create


def on_tenant_created(sender: Any, *, tenant: Any, plan: str | None = None, **kwargs: Any) -> None:
    """Every new tenant gets every guard, enabled, in-process, with default settings."""
    tenant_guard_configs_create(tenant=tenant)
