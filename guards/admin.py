"""Operators manage guard backends and tenants' guard configs, and read the audit trail.

Saves and deletes go through the config services, so every worker's cached
resolution is invalidated; the settings form shows the schema's per-key errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from guards.analyzers.schema import SettingsError
from guards.models import GuardBackend, GuardRequest, TenantGuardConfig
from guards.services.backends import BackendSpec
from guards.services.config import (
    guard_backend_save,
    guard_config_delete,
    guard_config_save,
    guard_settings_validate,
)
from guards.services.health import backend_health_check
from guards.settings_form import (
    UNSET,
    field_name,
    setting_initial,
    setting_value,
    settings_fields,
    settings_of,
)


class GuardBackendForm(forms.ModelForm):
    base_url = forms.URLField(required=False, assume_scheme="http", help_text=GuardBackend._meta.get_field("base_url").help_text)

    class Meta:
        model = GuardBackend
        fields = ("name", "kind", "base_url", "timeout", "auth_header", "auth_secret_name", "max_retries", "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == GuardBackend.Kind.HTTP and not data.get("base_url"):
            self.add_error("base_url", "An HTTP backend needs a base URL.")
        if data.get("auth_header") and not data.get("auth_secret_name"):
            self.add_error("auth_secret_name", "Name the secret that holds the header's value.")
        return data


@admin.register(GuardBackend)
class GuardBackendAdmin(admin.ModelAdmin):
    form = GuardBackendForm
    list_display = ("name", "kind", "base_url", "timeout", "max_retries", "active", "updated_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "base_url")
    actions = ("check_health_now",)

    def save_model(self, request: HttpRequest, obj: GuardBackend, form: Any, change: bool) -> None:
        guard_backend_save(backend=obj)

    @admin.action(description="Check health now")
    def check_health_now(self, request: HttpRequest, queryset: QuerySet[GuardBackend]) -> None:
        for backend in queryset:
            result = backend_health_check(spec=BackendSpec.from_model(backend), use_cache=False)
            level = messages.SUCCESS if result["status"] == "healthy" else messages.WARNING
            detail = f" ({result['detail']}, {result['latency_ms']} ms)" if result.get("latency_ms") is not None else ""
            self.message_user(request, f"{backend.name}: {result['status']}, breaker {result['breaker_state']}{detail}",
                              level)


class TenantGuardConfigForm(forms.ModelForm):
    """The config form; :func:`config_form_for` adds the guard's typed settings fields.

    A typed field the operator changed wins over the raw JSON; otherwise the JSON's value
    stands, so the "advanced" view can still set anything the schema allows.
    """

    guard_name: str | None = None

    class Meta:
        model = TenantGuardConfig
        fields = ("tenant", "guard", "enabled", "mode", "failure_policy", "backend", "settings", "fallback_allowed",
                  "store_raw_text")
        labels = {"settings": "Raw JSON (advanced)"}
        help_texts = {"settings": "The stored overrides as JSON; the typed fields above edit the same keys."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("mode", "failure_policy"):  # left out of a post: keep what is stored
            self.fields[name].required = False
        stored = self.instance.settings if isinstance(self.instance.settings, dict) else {}
        for setting in settings_of(self.guard_name):
            if field_name(setting) in self.fields:
                self.fields[field_name(setting)].initial = setting_initial(setting, stored)

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or self.instance.mode

    def clean_failure_policy(self) -> str:
        return self.cleaned_data.get("failure_policy") or self.instance.failure_policy

    def _typed_overrides(self, values: dict[str, Any]) -> dict[str, str]:
        """Apply the changed typed fields to ``values``; returns setting name -> its field."""
        sources: dict[str, str] = {}
        for setting in settings_of(self.guard_name):
            name = field_name(setting)
            if name not in self.changed_data or name not in self.cleaned_data:
                continue
            value = setting_value(setting, self.cleaned_data[name])
            if value == UNSET:
                values.pop(setting.name, None)
            else:
                values[setting.name] = value
            sources[setting.name] = name
        return sources

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        guard, values = data.get("guard"), data.get("settings")
        if guard and "settings" not in self.errors:
            sources: dict[str, str] = {}
            if isinstance(values, dict) and guard == self.guard_name:
                values = dict(values)
                sources = self._typed_overrides(values)
            try:
                data["settings"] = guard_settings_validate(guard=guard, values=values or {})
            except SettingsError as exc:
                for key, msg in exc.errors.items():
                    self.add_error(sources.get(key, "settings"), f"{key}: {msg}")
        return data


def config_form_for(guard: str | None) -> type[TenantGuardConfigForm]:
    """The config form with one typed field per setting of ``guard``."""
    attrs: dict[str, Any] = {**settings_fields(guard), "guard_name": guard, "__module__": __name__}
    return type(f"{(guard or 'Guard').title()}ConfigForm", (TenantGuardConfigForm,), attrs)


@admin.register(TenantGuardConfig)
class TenantGuardConfigAdmin(admin.ModelAdmin):
    form = TenantGuardConfigForm
    list_display = ("tenant", "guard", "enabled", "mode", "failure_policy", "backend", "fallback_allowed",
                    "store_raw_text", "updated_at")
    list_filter = ("guard", "enabled", "mode", "failure_policy", "backend", "fallback_allowed", "store_raw_text")
    list_select_related = ("tenant", "backend")
    search_fields = ("tenant__slug", "tenant__name")
    raw_id_fields = ("tenant",)

    @staticmethod
    def _guard(request: HttpRequest, obj: TenantGuardConfig | None) -> str | None:
        return obj.guard if obj else (request.POST.get("guard") or request.GET.get("guard"))

    def get_fieldsets(self, request: HttpRequest, obj: TenantGuardConfig | None = None) -> list[Any]:
        guard = self._guard(request, obj)
        typed = list(settings_fields(guard))
        hint = ("Leave a field empty for the guard's default." if typed else
                "Pick the guard (add ?guard=<name> to this page's address) to get one field per setting.")
        return [
            (None, {"fields": ("tenant", "guard", "enabled", "mode", "failure_policy", "backend",
                               "fallback_allowed", "store_raw_text")}),
            (f"{guard or 'Guard'} settings", {"fields": typed, "description": hint}),
            ("Advanced", {"fields": ("settings",), "classes": ("collapse",)}),
        ]

    def get_form(self, request: HttpRequest, obj: TenantGuardConfig | None = None, change: bool = False,
                 **kwargs: Any) -> Any:
        kwargs["form"] = config_form_for(self._guard(request, obj))
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: TenantGuardConfig, form: Any, change: bool) -> None:
        guard_config_save(config=obj, actor=request.user, via="admin")

    def delete_model(self, request: HttpRequest, obj: TenantGuardConfig) -> None:
        guard_config_delete(config=obj, actor=request.user, via="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TenantGuardConfig]) -> None:
        for config in queryset:
            guard_config_delete(config=config, actor=request.user, via="admin")


@admin.register(GuardRequest)
class GuardRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "tenant", "guard", "outcome", "decision", "verdict", "mode", "degraded", "score",
                    "latency_ms", "service_used", "error_code", "key_prefix", "config_version")
    list_filter = ("outcome", "guard", "decision", "mode", "degraded", "backend", "client_type", "tenant")
    list_select_related = ("tenant",)
    search_fields = ("request_id", "tenant__slug", "key_prefix", "text_sha256")
    date_hierarchy = "created_at"
    show_full_result_count = False  # COUNT(*) over a large audit table is slow

    def get_fields(self, request: HttpRequest, obj: GuardRequest | None = None) -> list[str]:
        fields = [f.name for f in GuardRequest._meta.fields if f.name != "findings"]
        if obj is not None and not obj.raw_text:
            fields.remove("raw_text")  # only rows of tenants that opted in have one
        return [*fields, "findings_table"]

    def get_readonly_fields(self, request: HttpRequest, obj: GuardRequest | None = None) -> list[str]:
        return [*(f.name for f in GuardRequest._meta.fields), "findings_table"]

    @admin.display(description="findings")
    def findings_table(self, obj: GuardRequest) -> str:
        rows = [f for f in obj.findings or [] if isinstance(f, dict)]
        if not rows:
            return "none"
        columns = ("type", "severity", "score", "source", "start", "end", "fingerprint", "suppressed_by", "blocked_by")
        head = format_html_join("", "<th>{}</th>", ((c.replace("_", " "),) for c in columns))
        body = format_html_join("", "<tr>{}</tr>", ((format_html_join(
            "", "<td>{}</td>", ((("" if f.get(c) is None else f.get(c)),) for c in columns)),) for f in rows))
        return format_html('<table class="findings"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GuardRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: GuardRequest | None = None) -> bool:
        return request.user.is_superuser  # retention is the prune command's job; superusers may erase

