"""Accounts: users (synced from Clerk), tenants, memberships, API keys and Clerk events.

Nothing a tenant owns is ever hard-deleted: Clerk deletions and operator actions
deactivate (``is_active=False``, ``revoked_at``) so audit rows and usage keep their
foreign keys.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone


class UserManager(DjangoUserManager["User"]):
    """Users are identified by e-mail; ``username`` mirrors it for Django's admin."""

    def _create_user(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def, override]
        email = self.normalize_email(email or username)
        return super()._create_user(username or email, email, password, **extra_fields)


class User(AbstractUser):
    """A person: a platform operator, or a tenant member mirrored from Clerk.

    For Clerk users, Clerk owns e-mail and names; the webhook sync writes them and the
    admin shows them read-only. Deleting in Clerk deactivates (``is_active=False``).
    """

    email = models.EmailField("email address", unique=True)
    clerk_user_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    clerk_synced_at = models.DateTimeField(null=True, blank=True, help_text="Last Clerk webhook applied.")

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_clerk_managed(self) -> bool:
        return bool(self.clerk_user_id)


class Tenant(models.Model):
    """A customer organisation (a Clerk organisation when it came from Clerk)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)
    clerk_org_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive tenants' API keys stop working.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    """A user's role in a tenant; removal in Clerk deactivates it."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    MANAGING_ROLES = frozenset({Role.OWNER, Role.ADMIN})

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    clerk_membership_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="membership_unique_user_tenant")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.is_active and self.role in self.MANAGING_ROLES


class APIKey(models.Model):
    """A tenant's API key. Only an HMAC of the key is stored (see :mod:`accounts.apikeys`).

    ``scopes`` lists the guards the key may call; an empty list means every guard.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=32, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False, help_text="HMAC-SHA256 of the key, hex.")
    scopes = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"
        verbose_name_plural = "API keys"
        indexes = [models.Index(fields=["tenant", "-created_at"], name="apikey_tenant_created")]

    def __str__(self) -> str:
        return f"{self.name} (aig_{self.prefix}_…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ClerkWebhookEvent(models.Model):
    """One Clerk (Svix) delivery, keyed by ``svix-id`` so each message is applied once."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    svix_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "Clerk webhook event"

    def __str__(self) -> str:
        return f"{self.event_type} {self.svix_id} ({self.status})"
