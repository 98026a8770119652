"""Keep cached API-key records honest whatever writes the rows (services, admin, shell)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import APIKey, Tenant
from accounts.services.api_keys import api_key_cache_invalidate


@receiver([post_save, post_delete], sender=APIKey, dispatch_uid="accounts.apikey_cache")
def _api_key_changed(sender: type[APIKey], instance: APIKey, **kwargs: Any) -> None:
    api_key_cache_invalidate(prefixes=[instance.prefix])


@receiver([post_save, post_delete], sender=Tenant, dispatch_uid="accounts.tenant_key_cache")
def _tenant_changed(sender: type[Tenant], instance: Tenant, created: bool = False, **kwargs: Any) -> None:
    # Key records carry the tenant's slug and active flag.
    if not created:
        api_key_cache_invalidate(prefixes=list(APIKey.objects.filter(tenant_id=instance.pk).values_list("prefix", flat=True)))
