"""Accounts: users (synced from Clerk), tenants, memberships and API keys."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models


class UserManager(DjangoUserManager["User"]):
    """Users are identified by e-mail; ``username`` mirrors it for Django's admin."""

    def _create_user(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def, override]
        email = self.normalize_email(email or username)
        return super()._create_user(username or email, email, password, **extra_fields)


class User(AbstractUser):
    """A person: a platform operator, or a tenant member mirrored from Clerk."""

    email = models.EmailField("email address", unique=True)
    clerk_user_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email
