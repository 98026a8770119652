"""Create a tenant (guards and billing set it up through ``tenant_created``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from accounts import selectors, services
from aiguardian.management.base import GatewayCommand


class Command(GatewayCommand):
    help = "Create a tenant; --plan picks its billing plan (default: the default plan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", default=None, help="display name (default: the slug)")
        parser.add_argument("--plan", default=None, help="billing plan code")

    def handle(self, *args: Any, slug: str, name: str | None, plan: str | None, **options: Any) -> None:
        if selectors.tenant_get(slug=slug) is not None:
            raise CommandError(f"tenant {slug!r} already exists")
        try:
            tenant = services.tenant_create(slug=slug, name=name, plan=plan)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"created tenant {tenant.slug} ({tenant.name}), id {tenant.pk}, plan {_plan_of(tenant, plan)}")


def _plan_of(tenant: Any, asked: str | None) -> str:
    """The plan billing put the tenant on (accounts does not import billing: read the relation)."""
    subscription = getattr(tenant, "subscription", None)
    plan = getattr(subscription, "plan", None)
    return getattr(plan, "code", None) or asked or "none"
