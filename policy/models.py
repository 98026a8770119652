"""Tenant policy that the gateway applies after every analyzer: lists, feedback, config history.

A guard's mode and failure policy live on ``guards.TenantGuardConfig`` (they are part of
the config a revision snapshots); this app holds what is per tenant rather than per config.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from guards.models import GUARD_CHOICES

#: Longest phrase, regular expression or fingerprint a list entry may hold.
MAX_VALUE_LENGTH = 512


class PolicyListEntry(models.Model):
    """One allowlist or blocklist entry of a tenant, for one guard or (``guard`` empty) all of them.

    Allow entries suppress the findings they match; block entries add a finding (phrase,
    regex: matched in the text) or turn a matching finding into a block (fingerprint).
    """

    class Action(models.TextChoices):
        ALLOW = "allow", "Allow (suppress)"
        BLOCK = "block", "Block"

    class Kind(models.TextChoices):
        PHRASE = "phrase", "Exact phrase"
        REGEX = "regex", "Regular expression (RE2)"
        FINGERPRINT = "fingerprint", "Finding fingerprint"

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="policy_entries")
    guard = models.CharField(max_length=32, choices=GUARD_CHOICES, blank=True, help_text="Empty: every guard.")
    action = models.CharField(max_length=8, choices=Action.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=MAX_VALUE_LENGTH)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant_id", "guard", "action", "kind", "id"]
        verbose_name = "allow/block list entry"
        verbose_name_plural = "allow/block list entries"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "guard", "action", "kind", "value"],
                                    name="policy_listentry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.value[:40]}"


class GuardFeedback(models.Model):
    """A tenant's label on one guard call, with the call's finding fingerprints (never its text)."""

    class Label(models.TextChoices):
        FALSE_POSITIVE = "false_positive", "False positive"
        FALSE_NEGATIVE = "false_negative", "False negative"
        CORRECT = "correct", "Correct"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ALLOWLISTED = "allowlisted", "Fingerprints allowlisted"
        DISMISSED = "dismissed", "Dismissed"

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="guard_feedback")
    request_id = models.CharField(max_length=128)
    guard = models.CharField(max_length=32, choices=GUARD_CHOICES)
    label = models.CharField(max_length=16, choices=Label.choices)
    note = models.CharField(max_length=2000, blank=True)
    decision = models.CharField(max_length=16, blank=True, help_text="The verdict the feedback is about.")
    fingerprints = models.JSONField(default=list, blank=True, help_text="[{type, fingerprint, suppressed_by}]")
    key_prefix = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "guard feedback"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "request_id", "guard"], name="policy_feedback_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "guard", "label"], name="policy_feedback_tgl")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.guard} {self.label}"


class ConfigRevision(models.Model):
    """One change of a tenant's policy: a guard config (mode, thresholds...) or a list entry.

    ``version`` counts a tenant's changes from 1; responses name the version in force
    (0 = the defaults the tenant was created with), so a verdict can be traced to it.
    """

    class Target(models.TextChoices):
        GUARD_CONFIG = "guard_config", "Guard config"
        LIST_ENTRY = "list_entry", "List entry"

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    class Via(models.TextChoices):
        ADMIN = "admin", "Admin"
        API = "api", "API"
        SYSTEM = "system", "System"

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="config_revisions")
    version = models.PositiveIntegerField()
    target = models.CharField(max_length=16, choices=Target.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    guard = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.SYSTEM)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True, help_text="Who, kept if the user is deleted.")
    reverts = models.PositiveIntegerField(null=True, blank=True, help_text="The version this change reverted.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="policy_revision_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} v{self.version} {self.action} {self.target} {self.guard}"
