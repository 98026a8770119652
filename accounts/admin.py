"""Operator admin: tenants with their members and keys, key issuing and revoking,
Clerk-owned users read-only, and the Clerk webhook log.

Every write that matters goes through :mod:`accounts.services`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from accounts import services
from accounts.models import APIKey, ClerkWebhookEvent, Membership, Tenant, User
from accounts.services.api_keys import api_key_scopes_clean

# --- filters ---------------------------------------------------------------------------------


class ClerkSourceFilter(admin.SimpleListFilter):
    """Rows synced from Clerk versus created here by an operator."""

    title = "source"
    parameter_name = "source"
    field = "clerk_org_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("clerk", "Clerk"), ("local", "Created here")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "clerk":
            return queryset.filter(**{f"{self.field}__isnull": False})
        if self.value() == "local":
            return queryset.filter(**{f"{self.field}__isnull": True})
        return queryset


class UserClerkSourceFilter(ClerkSourceFilter):
    field = "clerk_user_id"


class KeyStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


# --- tenants -----------------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "is_active", "clerk_membership_id", "created_at")
    readonly_fields = ("clerk_membership_id", "created_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead


class APIKeyInline(admin.TabularInline):
    """Keys are listed here; they are issued from the API key page (the secret shows once)."""

    model = APIKey
    extra = 0
    show_change_link = True
    fields = ("prefix", "name", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "is_active", "member_count", "active_key_count", "clerk_org_id", "created_at")
    list_filter = ("is_active", ClerkSourceFilter, "created_at")
    search_fields = ("slug", "name", "clerk_org_id", "memberships__user__email")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (MembershipInline, APIKeyInline)
    actions = ("deactivate_tenants", "reactivate_tenants")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            _members=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
            _keys=Count("api_keys", filter=Q(api_keys__revoked_at__isnull=True), distinct=True),
        )

    @admin.display(description="members", ordering="_members")
    def member_count(self, tenant: Tenant) -> int:
        return tenant._members  # type: ignore[attr-defined]

    @admin.display(description="active keys", ordering="_keys")
    def active_key_count(self, tenant: Tenant) -> int:
        return tenant._keys  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Tenant | None = None) -> tuple[str, ...]:
        # The slug names the tenant everywhere once it exists; the Clerk id is Clerk's.
        return (*self.readonly_fields, "slug", "clerk_org_id") if obj else self.readonly_fields

    def get_prepopulated_fields(self, request: HttpRequest, obj: Tenant | None = None) -> dict[str, Any]:
        return {} if obj else self.prepopulated_fields

    def save_model(self, request: HttpRequest, obj: Tenant, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.tenant_save_new(tenant=obj)  # announces tenant_created

    @admin.action(description="Deactivate selected tenants (their keys stop working)")
    def deactivate_tenants(self, request: HttpRequest, queryset: QuerySet) -> None:
        for tenant in queryset:
            services.tenant_deactivate(tenant=tenant)
        self.message_user(request, f"Deactivated {queryset.count()} tenant(s).", messages.SUCCESS)

    @admin.action(description="Reactivate selected tenants")
    def reactivate_tenants(self, request: HttpRequest, queryset: QuerySet) -> None:
        for tenant in queryset:
            services.tenant_reactivate(tenant=tenant)
        self.message_user(request, f"Reactivated {queryset.count()} tenant(s).", messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "tenant", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "tenant")
    search_fields = ("user__email", "tenant__slug", "tenant__name", "clerk_membership_id")
    raw_id_fields = ("user", "tenant")
    readonly_fields = ("clerk_membership_id", "created_at", "updated_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- API keys ---------------------------------------------------------------------------------


class APIKeyForm(forms.ModelForm):
    """Scopes as text: guard names separated by spaces or commas (empty: every guard)."""

    scopes_text = forms.CharField(
        label="Scopes", required=False, help_text="Guard names separated by spaces or commas; empty = every guard.",
    )

    class Meta:
        model = APIKey
        fields = ("tenant", "name", "expires_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["scopes_text"].initial = " ".join(self.instance.scopes or [])

    def clean_scopes_text(self) -> list[str]:
        try:
            return api_key_scopes_clean(re.split(r"[\s,]+", self.cleaned_data.get("scopes_text") or ""))
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["scopes"]) from exc

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now() and not self.instance.pk:
            raise forms.ValidationError("Must be in the future.")
        return expires_at


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    form = APIKeyForm
    list_display = ("display_prefix", "name", "tenant", "scope_list", "created_at", "expires_at",
                    "revoked_at", "last_used_at")
    list_filter = (KeyStatusFilter, "created_at")
    list_select_related = ("tenant", "created_by")
    search_fields = ("prefix", "name", "tenant__slug", "tenant__name")
    autocomplete_fields = ("tenant",)
    actions = ("revoke_keys",)
    date_hierarchy = "created_at"

    def get_fields(self, request: HttpRequest, obj: APIKey | None = None) -> list[str]:
        if obj is None:
            return ["tenant", "name", "scopes_text", "expires_at"]
        scopes = "scope_list" if obj.is_revoked else "scopes_text"
        return ["display_prefix", "tenant", "name", scopes, "expires_at", "created_by", "created_at",
                "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: APIKey | None = None) -> list[str]:
        if obj is None:
            return []
        fixed = ["display_prefix", "tenant", "created_by", "created_at", "last_used_at", "revoked_at"]
        return [*fixed, "name", "scope_list", "expires_at"] if obj.is_revoked else fixed

    def has_change_permission(self, request: HttpRequest, obj: APIKey | None = None) -> bool:
        # A revoked key is history: viewable, not editable.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_revoked)

    @admin.display(description="key", ordering="prefix")
    def display_prefix(self, key: APIKey) -> str:
        return f"aig_{key.prefix}_…"

    @admin.display(description="scopes")
    def scope_list(self, key: APIKey) -> str:
        return ", ".join(key.scopes) if key.scopes else "all guards"

    def save_model(self, request: HttpRequest, obj: APIKey, form: Any, change: bool) -> None:
        scopes = form.cleaned_data["scopes_text"]
        if change:
            services.api_key_update(key=obj, name=obj.name, scopes=scopes, expires_at=obj.expires_at)
            return
        key, raw = services.api_key_issue(
            tenant=obj.tenant, name=obj.name, scopes=scopes, expires_at=obj.expires_at, created_by=request.user,
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the saved key.
        for field in APIKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding = False
        request._issued_api_key = raw  # type: ignore[attr-defined] - read once by response_add

    def response_add(self, request: HttpRequest, obj: APIKey, post_url_continue: str | None = None) -> HttpResponse:
        raw = getattr(request, "_issued_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        # Rendered straight into this response: the secret is never put in the session
        # or a message cookie, and the page is not cached.
        response = TemplateResponse(request, "admin/accounts/apikey/issued.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "key": obj, "raw_key": raw,
            "title": "API key issued",
        })
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet) -> None:
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            services.api_key_revoke(key=key)
        self.message_user(request, f"Revoked {len(keys)} API key(s).", messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: usage and audit rows keep pointing at the key


# --- users ---------------------------------------------------------------------------------------


class UserAddForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserMembershipInline(MembershipInline):
    raw_id_fields = ("tenant",)
    fields = ("tenant", "role", "is_active", "clerk_membership_id", "created_at")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Clerk", {"fields": ("clerk_user_id", "image_url", "clerk_synced_at")}),
    )
    list_display = ("email", "first_name", "last_name", "clerk_user_id", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", UserClerkSourceFilter)
    search_fields = ("email", "username", "first_name", "last_name", "clerk_user_id")
    inlines = (UserMembershipInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Clerk owns these for its users: an edit here would be overwritten by the next sync.
    clerk_owned_fields = ("username", "email", "first_name", "last_name", "is_active", "clerk_user_id",
                          "image_url")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        base = ("clerk_synced_at", "last_login", "date_joined")
        if obj is not None and obj.is_clerk_managed:
            return (*base, *self.clerk_owned_fields)
        return base


# --- Clerk events -----------------------------------------------------------------------------------


class ClerkEventTenantFilter(admin.SimpleListFilter):
    """Events about one tenant's Clerk organisation (the organisation itself or its memberships).

    User events name no organisation (a user may belong to several), so they match no tenant.
    """

    title = "tenant"
    parameter_name = "tenant"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), slug) for pk, slug in
                Tenant.objects.exclude(clerk_org_id=None).order_by("slug").values_list("pk", "slug")]

    def queryset(self, request: HttpRequest,
                 queryset: QuerySet[ClerkWebhookEvent]) -> QuerySet[ClerkWebhookEvent]:
        value = self.value()
        if not value:
            return queryset
        org = Tenant.objects.filter(pk=int(value)).values_list("clerk_org_id", flat=True).first() \
            if value.isdigit() else None
        if not org:
            return queryset.none()
        return queryset.filter(Q(payload__data__id=org) | Q(payload__data__organization__id=org))


@admin.register(ClerkWebhookEvent)
class ClerkWebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "event_type", "svix_id", "status", "attempts", "processed_at")
    list_filter = ("status", "event_type", ClerkEventTenantFilter)
    search_fields = ("svix_id", "event_type", "error")
    date_hierarchy = "received_at"
    readonly_fields = ("svix_id", "event_type", "status", "attempts", "error", "payload", "received_at",
                       "started_at", "processed_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
