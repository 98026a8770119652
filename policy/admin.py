"""Operators' view of tenant policy: list entries, the feedback queue with precision, config history.

Every write goes through the policy services, so it is versioned (who, when, before/after)
and every worker's cached resolution is invalidated.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from policy.models import ConfigRevision, GuardFeedback, PolicyListEntry
from policy.services.feedback import feedback_allowlist, feedback_precision
from policy.services.history import revision_diff, revision_now
from policy.services.lists import list_entry_create, list_entry_delete, list_value_clean
from policy.services.revert import RevertError, revision_revert


class PolicyListEntryForm(forms.ModelForm):
    class Meta:
        model = PolicyListEntry
        fields = ("tenant", "guard", "action", "kind", "value", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        tenant = data.get("tenant")
        if tenant is not None and PolicyListEntry.objects.filter(tenant=tenant).count() >= \
                settings.POLICY_MAX_LIST_ENTRIES:
            self.add_error(None, f"A tenant has at most {settings.POLICY_MAX_LIST_ENTRIES} list entries.")
        if data.get("kind") and data.get("value") is not None:
            try:
                data["value"] = list_value_clean(kind=data["kind"], value=data["value"])
            except ValidationError as exc:
                self.add_error("value", exc.message_dict.get("value", exc.messages))
        return data


@admin.register(PolicyListEntry)
class PolicyListEntryAdmin(admin.ModelAdmin):
    """Entries are added or removed, never edited: each is one revision of its tenant's policy."""

    form = PolicyListEntryForm
    list_display = ("tenant", "guard", "action", "kind", "value", "note", "created_by", "created_at")
    list_filter = ("action", "kind", "guard")
    list_select_related = ("tenant", "created_by")
    search_fields = ("tenant__slug", "value", "note")
    raw_id_fields = ("tenant",)

    def has_change_permission(self, request: HttpRequest, obj: PolicyListEntry | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: PolicyListEntry, form: Any, change: bool) -> None:
        try:
            created = list_entry_create(tenant_id=obj.tenant_id, guard=obj.guard, action=obj.action, kind=obj.kind,
                                        value=obj.value, note=obj.note, actor=request.user, via="admin")
        except ValidationError as exc:  # the form cannot show it any more: report and save nothing
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: PolicyListEntry) -> None:
        list_entry_delete(entry=obj, actor=request.user, via="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PolicyListEntry]) -> None:
        for entry in queryset:
            list_entry_delete(entry=entry, actor=request.user, via="admin")


@admin.register(GuardFeedback)
class GuardFeedbackAdmin(admin.ModelAdmin):
    """The feedback queue; the changelist shows each guard's precision per tenant, estimated from feedback."""

    change_list_template = "admin/policy/guardfeedback/change_list.html"
    list_display = ("created_at", "tenant", "guard", "label", "decision", "status", "request_id", "fingerprint_count",
                    "note")
    list_filter = ("status", "label", "guard")
    list_select_related = ("tenant",)
    search_fields = ("request_id", "tenant__slug", "note")
    actions = ("allowlist_fingerprints", "dismiss")
    readonly_fields = ("tenant", "request_id", "guard", "label", "note", "decision", "fingerprint_list", "key_prefix",
                       "status", "created_at", "updated_at")
    exclude = ("fingerprints",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="fingerprints")
    def fingerprint_count(self, obj: GuardFeedback) -> int:
        return len(obj.fingerprints or [])

    @admin.display(description="fingerprints")
    def fingerprint_list(self, obj: GuardFeedback) -> str:
        return format_html_join("", "<div><code>{}</code> {} {}</div>", (
            (f.get("fingerprint", ""), f.get("type", ""), "(suppressed)" if f.get("suppressed_by") else "")
            for f in obj.fingerprints or []))

    @admin.action(description="Allowlist these fingerprints for their tenant and guard")
    def allowlist_fingerprints(self, request: HttpRequest, queryset: QuerySet[GuardFeedback]) -> None:
        added = sum(feedback_allowlist(feedback=feedback, actor=request.user) for feedback in queryset)
        self.message_user(request, f"{added} fingerprint(s) allowlisted.", messages.SUCCESS)

    @admin.action(description="Dismiss")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[GuardFeedback]) -> None:
        count = queryset.update(status=GuardFeedback.Status.DISMISSED)
        self.message_user(request, f"{count} dismissed.", messages.SUCCESS)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "precision": feedback_precision()})


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


@admin.register(ConfigRevision)
class ConfigRevisionAdmin(admin.ModelAdmin):
    """Read-only history; a change is compared with its previous state and can be reverted (a new revision)."""

    list_display = ("tenant", "version", "created_at", "target", "guard", "action", "via", "actor_label", "reverts",
                    "changed")
    list_filter = ("target", "action", "via", "guard")
    list_select_related = ("tenant",)
    search_fields = ("tenant__slug", "actor_label")
    raw_id_fields = ("tenant", "actor")
    actions = ("revert",)
    readonly_fields = ("tenant", "version", "created_at", "target", "object_id", "guard", "action", "via", "actor",
                       "actor_label", "reverts", "comparison")
    exclude = ("before", "after")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ConfigRevision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ConfigRevision | None = None) -> bool:
        return False

    @admin.display(description="changed")
    def changed(self, obj: ConfigRevision) -> str:
        return ", ".join(name for name, _, _ in revision_diff(obj))

    @admin.display(description="before → after (and now)")
    def comparison(self, obj: ConfigRevision) -> str:
        now = revision_now(obj) or {}
        rows = format_html_join(
            "", "<tr><th>{}</th><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            ((name, _json(old), _json(new), _json(now.get(name))) for name, old, new in revision_diff(obj)))
        return format_html("<table><tr><th></th><th>before</th><th>after</th><th>now</th></tr>{}</table>", rows)

    @admin.action(description="Revert the selected change (records a new revision)")
    def revert(self, request: HttpRequest, queryset: QuerySet[ConfigRevision]) -> None:
        for revision in queryset.order_by("-version"):
            try:
                new = revision_revert(revision=revision, actor=request.user)
            except (RevertError, ValidationError) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"v{revision.version}: {text}", messages.ERROR)
                continue
            self.message_user(request, f"v{revision.version} reverted as v{new.version} of {revision.tenant}.",
                              messages.SUCCESS)
