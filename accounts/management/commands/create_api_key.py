"""Issue an API key; the key is printed alone on the last line so scripts can capture it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from accounts import selectors, services
from aiguardian.management.base import GatewayCommand


class Command(GatewayCommand):
    help = "Issue an API key for a tenant. The key is shown once, alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--name", required=True, help="what the key is for")
        parser.add_argument("--scopes", nargs="*", default=[], help="guards it may call (default: all)")
        parser.add_argument("--expires-days", type=int, default=None, help="expire after N days")

    def handle(
        self, *args: Any, tenant: str, name: str, scopes: list[str], expires_days: int | None, **options: Any
    ) -> None:
        found = selectors.tenant_get(slug=tenant)
        if found is None:
            raise CommandError(f"no tenant {tenant!r}")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            key, raw = services.api_key_issue(tenant=found, name=name, scopes=scopes, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        scope_text = ", ".join(key.scopes) or "all guards"
        expiry = key.expires_at.isoformat() if key.expires_at else "never"
        self.stdout.write(f"issued key {key.prefix} for {found.slug}: {name} (scopes: {scope_text}; expires: {expiry})")
        self.stdout.write("store it now; it cannot be shown again:")
        self.stdout.write(raw)
