"""Tenant lifecycle: create (announcing ``tenant_created``), update, deactivate."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Tenant
from accounts.signals import tenant_created


def tenant_save_new(*, tenant: Tenant, plan: str | None = None) -> Tenant:
    """Save a new, validated tenant and send ``tenant_created`` in the same transaction.

    Every creation path (service, command, Clerk webhook, admin) ends here, so guards
    and billing set the tenant up exactly once, or not at all if anything fails.
    """
    if tenant.pk is not None:
        raise ValueError("tenant_save_new needs an unsaved tenant")
    with transaction.atomic():
        tenant.full_clean()
        tenant.save()
        tenant_created.send(sender=Tenant, tenant=tenant, plan=plan)
    return tenant


def tenant_create(
    *, slug: str, name: str | None = None, clerk_org_id: str | None = None, plan: str | None = None
) -> Tenant:
    """Create a tenant; ``plan`` is a billing plan code (``None``: the default plan)."""
    return tenant_save_new(tenant=Tenant(slug=slug, name=name or slug, clerk_org_id=clerk_org_id), plan=plan)


def tenant_unique_slug(*, base: str) -> str:
    """A free slug derived from ``base`` (Clerk slugs may be empty or taken)."""
    root = (slugify(base) or "tenant")[:56]
    candidate, n = root, 1
    while Tenant.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{root}-{n}"
    return candidate


def tenant_update(*, tenant: Tenant, name: str | None = None) -> Tenant:
    if name is not None and name != tenant.name:
        tenant.name = name
        tenant.save(update_fields=["name", "updated_at"])
    return tenant


def _set_active(tenant: Tenant, active: bool) -> Tenant:
    if tenant.is_active != active:
        tenant.is_active = active
        tenant.save(update_fields=["is_active", "updated_at"])  # receivers drop its cached keys
    return tenant


def tenant_deactivate(*, tenant: Tenant) -> Tenant:
    """Stop the tenant's keys from working; nothing is deleted."""
    return _set_active(tenant, False)


def tenant_reactivate(*, tenant: Tenant) -> Tenant:
    return _set_active(tenant, True)
