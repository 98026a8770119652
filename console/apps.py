from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConsoleConfig(AppConfig):
    """The operator console: the Django admin, branded, with roles, a dashboard and "try a guard"."""

    name = "console"
    verbose_name = "Operator console"

    def ready(self) -> None:
        from django.contrib import admin

        from console.roles import roles_sync_signal

        admin.site.site_header = admin.site.site_title = "AIGuardian operator console"
        admin.site.index_title = "Dashboard"
        admin.site.site_url = "/docs"  # the stock "View site" led to /, a JSON 404
        admin.site.index_template = "admin/console/index.html"
        # Later migrations add models (and their permissions): keep the roles complete.
        post_migrate.connect(roles_sync_signal, sender=self, dispatch_uid="console_roles_sync")
