"""Memberships: a user's role in a tenant."""

from __future__ import annotations

from accounts.models import Membership, Tenant, User


def membership_upsert(
    *, user: User, tenant: Tenant, role: str, clerk_membership_id: str | None = None, keep_owner: bool = False
) -> Membership:
    """Create or update (and reactivate) the user's membership of the tenant.

    ``keep_owner`` stops a sync from demoting an owner to admin: Clerk's default roles
    have no owner, so the organisation's creator is made owner here and Clerk's later
    ``org:admin`` for them must not undo it.
    """
    if role not in Membership.Role.values:
        raise ValueError(f"unknown role {role!r}")
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=tenant, defaults={"role": role, "clerk_membership_id": clerk_membership_id}
    )
    if created:
        return membership
    if keep_owner and membership.role == Membership.Role.OWNER and role == Membership.Role.ADMIN:
        role = Membership.Role.OWNER
    changed = {"role": role, "is_active": True}
    if clerk_membership_id:
        changed["clerk_membership_id"] = clerk_membership_id
    fields = [f for f, v in changed.items() if getattr(membership, f) != v]
    if fields:
        for f in fields:
            setattr(membership, f, changed[f])
        membership.save(update_fields=[*fields, "updated_at"])
    return membership


def membership_deactivate(*, membership: Membership) -> Membership:
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
    return membership
