"""A tenant changes a guard's mode or failure policy itself (the self-service API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from guards.analyzers.schema import SettingsError
from guards.models import TenantGuardConfig
from guards.services.config import guard_config_save


def guard_policy_set(*, tenant_id: int, guard: str, mode: str | None = None, failure_policy: str | None = None,
                     actor: Any = None, via: str = "api") -> TenantGuardConfig:
    """Set what was given; a revision records it. A guard the tenant has no config of is a ValidationError."""
    config = TenantGuardConfig.objects.filter(tenant_id=tenant_id, guard=guard).first()
    if config is None:
        raise ValidationError({"guard": "Your tenant has no configuration of this guard."})
    if mode is not None:
        config.mode = mode
    if failure_policy is not None:
        config.failure_policy = failure_policy
    try:
        return guard_config_save(config=config, actor=actor, via=via)
    except SettingsError as exc:  # stored settings an operator must fix first
        raise ValidationError({"guard": f"This guard's stored settings no longer validate: {exc.errors}."}) from None
