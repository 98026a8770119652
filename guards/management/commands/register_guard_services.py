"""Register the six standalone guard services as HTTP backends (the seeds' topology).

``manage.py register_guard_services --url-template http://{name}:{port}`` creates or
updates one ``GuardBackend`` per guard (named after it); ``--route-tenants`` also points
every tenant's config of that guard at it. Idempotent, so deploys can run it each time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from aiguardian.management.base import GatewayCommand
from guards.services.config import guard_services_register


class Command(GatewayCommand):
    help = "Create/update an HTTP GuardBackend per guard service; optionally route every tenant to them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url-template", default="http://{name}:{port}",
                            help="Base URL of each service; {name} and {port} are filled in.")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds per call (0.05-300).")
        parser.add_argument("--route-tenants", action="store_true",
                            help="Point every tenant's config of each guard at its service.")

    def handle(self, *args: Any, url_template: str, timeout: float, route_tenants: bool, **options: Any) -> None:
        try:
            backends, routed = guard_services_register(url_template=url_template, timeout=timeout,
                                                       route_tenants=route_tenants)
        except ValueError as exc:
            raise CommandError(f"{exc}; nothing was registered") from None
        self.stdout.write(f"registered {backends} guard service backends, routed {routed} tenant configs")
