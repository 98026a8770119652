"""Revoke an API key by its public prefix (``aig_<prefix>_…`` or the whole key)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from accounts import apikeys, selectors, services
from aiguardian.management.base import GatewayCommand


class Command(GatewayCommand):
    help = "Revoke an API key by prefix; it stops working at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="the key's prefix (the whole key is accepted too)")

    def handle(self, *args: Any, prefix: str, **options: Any) -> None:
        prefix = apikeys.parse_prefix(prefix) or prefix.removeprefix(f"{apikeys.KEY_NAMESPACE}_").rstrip("_…")
        key = selectors.api_key_get(prefix=prefix)
        if key is None:
            raise CommandError(f"no API key with prefix {prefix!r}")
        already = key.is_revoked
        services.api_key_revoke(key=key)
        state = "was already revoked" if already else "revoked"
        self.stdout.write(f"key {key.prefix} ({key.name}) of {key.tenant.slug} {state} at {key.revoked_at.isoformat()}")
