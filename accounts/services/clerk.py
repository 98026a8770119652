"""Clerk sync: apply Clerk webhook events to users, tenants and memberships.

Each Svix message is applied once. The event row is inserted first, under the unique
``svix_id`` constraint, so two concurrent deliveries cannot both process (an
IntegrityError means "already seen"); the row is then claimed with a conditional
``update()``. The handler runs in one transaction with the "succeeded" mark, so a
failure leaves nothing half-applied; the row is then marked failed, with the error,
and a redelivery retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts import selectors
from accounts.models import ClerkWebhookEvent, Membership, Tenant, User
from accounts.services.memberships import membership_deactivate, membership_upsert
from accounts.services.tenants import (
    tenant_deactivate,
    tenant_reactivate,
    tenant_save_new,
    tenant_unique_slug,
    tenant_update,
)
from aiguardian.retention import cutoff, prune

logger = logging.getLogger(__name__)

Status = ClerkWebhookEvent.Status
# A claim older than this is presumed dead (worker killed mid-event) and may be retried.
STALE_CLAIM = timedelta(minutes=5)
_CLERK_ROLES = {
    "org:owner": Membership.Role.OWNER, "owner": Membership.Role.OWNER,
    "org:admin": Membership.Role.ADMIN, "admin": Membership.Role.ADMIN,
}


class ClerkSyncError(Exception):
    """The event cannot be applied as it stands (the row is marked failed, Clerk retries)."""


# --- users ------------------------------------------------------------------------------

def _primary_email(data: dict[str, Any]) -> str:
    addresses = data.get("email_addresses") or []
    primary_id = data.get("primary_email_address_id")
    chosen = next((a for a in addresses if a.get("id") == primary_id), addresses[0] if addresses else None)
    if chosen and chosen.get("email_address"):
        return User.objects.normalize_email(chosen["email_address"]).lower()
    # Phone-only or passkey-only Clerk users: a unique address that can never receive mail.
    return f"{data['id'].lower()}@users.clerk.invalid"


def clerk_user_upsert(*, data: dict[str, Any]) -> User:
    """Create or update the user mirrored from a Clerk user object.

    An existing user with the same e-mail and no Clerk id is linked, unless it is staff:
    a Clerk sign-up must never take over an operator account.
    """
    clerk_id = data["id"]
    email = _primary_email(data)
    user = selectors.user_get_by_clerk_id(clerk_user_id=clerk_id)
    clash = User.objects.filter(email__iexact=email).exclude(clerk_user_id=clerk_id).first()
    if clash is not None:
        if user is None and clash.clerk_user_id is None and not (clash.is_staff or clash.is_superuser):
            user = clash
        else:
            raise ClerkSyncError(f"e-mail of Clerk user {clerk_id} belongs to another user (id {clash.pk})")
    if user is None:
        user = User(clerk_user_id=clerk_id, username=clerk_id)
        user.set_unusable_password()
    user.clerk_user_id = clerk_id
    user.email = email
    user.first_name = (data.get("first_name") or "")[:150]
    user.last_name = (data.get("last_name") or "")[:150]
    user.image_url = (data.get("image_url") or "")[:500]
    user.is_active = True
    user.clerk_synced_at = timezone.now()
    user.save()
    return user


def clerk_user_deactivate(*, clerk_user_id: str) -> User | None:
    """Deactivate the user and their memberships (their rows stay for the audit trail)."""
    user = selectors.user_get_by_clerk_id(clerk_user_id=clerk_user_id)
    if user is None:
        return None
    user.is_active = False
    user.clerk_synced_at = timezone.now()
    user.save(update_fields=["is_active", "clerk_synced_at"])
    for membership in user.memberships.filter(is_active=True):
        membership_deactivate(membership=membership)
    return user


def _user_from_public_data(public: dict[str, Any]) -> User:
    """The member's user; created from the membership's public data if its
    ``user.created`` has not arrived yet (Svix does not guarantee order)."""
    user = selectors.user_get_by_clerk_id(clerk_user_id=public["user_id"])
    if user is not None:
        return user
    identifier = public.get("identifier") or ""
    return clerk_user_upsert(data={
        "id": public["user_id"],
        "email_addresses": [{"id": "public", "email_address": identifier}] if "@" in identifier else [],
        "primary_email_address_id": "public",
        "first_name": public.get("first_name"), "last_name": public.get("last_name"),
        "image_url": public.get("image_url"),
    })


# --- organisations -------------------------------------------------------------------------

def clerk_organization_upsert(*, data: dict[str, Any], created: bool = False) -> Tenant:
    """Create (announcing ``tenant_created``) or update the tenant of a Clerk organisation.

    The tenant's slug is fixed at creation: it names the tenant in URLs and commands,
    so a rename in Clerk changes only the display name.
    """
    tenant = selectors.tenant_get_by_clerk_id(clerk_org_id=data["id"])
    name = (data.get("name") or data.get("slug") or data["id"])[:200]
    if tenant is None:
        tenant = tenant_save_new(tenant=Tenant(
            name=name, slug=tenant_unique_slug(base=data.get("slug") or name), clerk_org_id=data["id"],
        ))
    else:
        tenant_update(tenant=tenant, name=name)
        if created:
            tenant_reactivate(tenant=tenant)
    creator_id = data.get("created_by")
    if created and creator_id:
        creator = selectors.user_get_by_clerk_id(clerk_user_id=creator_id)
        if creator is not None:
            membership_upsert(user=creator, tenant=tenant, role=Membership.Role.OWNER)
    return tenant


def clerk_organization_deactivate(*, clerk_org_id: str) -> Tenant | None:
    tenant = selectors.tenant_get_by_clerk_id(clerk_org_id=clerk_org_id)
    return tenant_deactivate(tenant=tenant) if tenant is not None else None


# --- memberships ------------------------------------------------------------------------------

def clerk_membership_upsert(*, data: dict[str, Any]) -> Membership:
    org = data["organization"]
    tenant = selectors.tenant_get_by_clerk_id(clerk_org_id=org["id"]) or clerk_organization_upsert(data=org)
    user = _user_from_public_data(data["public_user_data"])
    role = _CLERK_ROLES.get(data.get("role") or "", Membership.Role.MEMBER)
    return membership_upsert(
        user=user, tenant=tenant, role=role, clerk_membership_id=data.get("id"), keep_owner=True
    )


def clerk_membership_deactivate(*, data: dict[str, Any]) -> Membership | None:
    qs = Membership.objects.all()
    if data.get("id") and qs.filter(clerk_membership_id=data["id"]).exists():
        membership = qs.get(clerk_membership_id=data["id"])
    else:
        membership = qs.filter(
            tenant__clerk_org_id=(data.get("organization") or {}).get("id"),
            user__clerk_user_id=(data.get("public_user_data") or {}).get("user_id"),
        ).first()
    return membership_deactivate(membership=membership) if membership is not None else None


HANDLERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "user.created": lambda d: clerk_user_upsert(data=d),
    "user.updated": lambda d: clerk_user_upsert(data=d),
    "user.deleted": lambda d: clerk_user_deactivate(clerk_user_id=d["id"]),
    "organization.created": lambda d: clerk_organization_upsert(data=d, created=True),
    "organization.updated": lambda d: clerk_organization_upsert(data=d),
    "organization.deleted": lambda d: clerk_organization_deactivate(clerk_org_id=d["id"]),
    "organizationMembership.created": lambda d: clerk_membership_upsert(data=d),
    "organizationMembership.updated": lambda d: clerk_membership_upsert(data=d),
    "organizationMembership.deleted": lambda d: clerk_membership_deactivate(data=d),
}


# --- event processing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EventOutcome:
    """``processed``, ``ignored`` (unknown type), ``duplicate``, ``in_progress`` or ``failed``."""

    status: str
    event: ClerkWebhookEvent | None = None
    error: str = ""


def _claim(svix_id: str) -> bool:
    """Take the event for processing; ``False`` when another worker holds it or it is done."""
    now = timezone.now()
    return bool(
        ClerkWebhookEvent.objects.filter(svix_id=svix_id)
        .filter(
            Q(status__in=[Status.RECEIVED, Status.FAILED])
            | Q(status=Status.PROCESSING, started_at__lt=now - STALE_CLAIM)
        )
        .update(status=Status.PROCESSING, attempts=F("attempts") + 1, started_at=now, updated_at=now)
    )


def clerk_event_process(*, svix_id: str, event: dict[str, Any]) -> EventOutcome:
    """Record a verified Clerk event and apply it once (see the module docstring)."""
    event_type = str(event.get("type") or "")[:100]
    try:
        with transaction.atomic():
            ClerkWebhookEvent.objects.create(svix_id=svix_id, event_type=event_type, payload=event)
    except IntegrityError:
        pass  # seen before: only a failed (or abandoned) attempt is taken up again below
    if not _claim(svix_id):
        row = ClerkWebhookEvent.objects.get(svix_id=svix_id)
        return EventOutcome("duplicate" if row.status == Status.SUCCEEDED else "in_progress", row)

    handler = HANDLERS.get(event_type)
    try:
        with transaction.atomic():
            if handler is not None:
                data = event.get("data")
                if not isinstance(data, dict):
                    raise ClerkSyncError("event has no data object")
                handler(data)
            ClerkWebhookEvent.objects.filter(svix_id=svix_id).update(
                status=Status.SUCCEEDED, error="", processed_at=timezone.now(), updated_at=timezone.now()
            )
    except Exception as exc:  # any failure is recorded and retried by Clerk
        logger.exception("clerk event %s (%s) failed", svix_id, event_type)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        ClerkWebhookEvent.objects.filter(svix_id=svix_id).update(
            status=Status.FAILED, error=error, updated_at=timezone.now()
        )
        return EventOutcome("failed", ClerkWebhookEvent.objects.get(svix_id=svix_id), error)
    row = ClerkWebhookEvent.objects.get(svix_id=svix_id)
    return EventOutcome("processed" if handler is not None else "ignored", row)


def clerk_events_prune(*, older_than_days: int, batch_size: int = 5000, dry_run: bool = False) -> int:
    """Delete applied Clerk deliveries past retention (their payloads hold e-mail addresses).

    Failed and in-flight events are kept for investigation and retries.
    """
    done = ClerkWebhookEvent.objects.filter(
        status=ClerkWebhookEvent.Status.SUCCEEDED, received_at__lt=cutoff(older_than_days))
    return prune(done, batch_size=batch_size, dry_run=dry_run)
